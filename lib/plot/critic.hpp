// What `plot critic` draws, computed from a model on 2-D data: the discriminator over a grid
// of the plane and the generator's samples, for the final model and for the snapshots kept
// by `train --snapshot-every` (io/model_file.hpp).
#pragma once

#include <cstdint>

#include "core/tensor.hpp"
#include "gan/gan.hpp"
#include "gan/trainer.hpp"
#include "io/model_file.hpp"
#include "plot/figures.hpp"

namespace gantool {

// The plane around the real rows (n, 2): their range with a margin of 15% a side, at
// `cells` × `cells`.
CriticGrid critic_grid(const Tensor& real, int64_t cells = 160);

// D at the centre of each cell of the grid, (ny, nx), row 0 at y0: σ(logit), the probability
// that a point is real, for the cross-entropy losses, else the raw critic value. With
// --pack m, D judges m copies of the point. `norm` maps data units to what D reads.
Tensor critic_surface(Net& d, const GanConfig& c, const Normalization& norm, const CriticGrid& grid);

// The picture's panels: each snapshot whose step is a multiple of `every` (none when every is
// 0), then the final model (unless the last snapshot is of its step); `points` real rows
// (chosen evenly) and as many generated ones in each panel. Throws UsageError when the model
// is not of 2-D data or `every` selects no snapshot.
CriticPicture critic_picture(const Gan& gan, const ModelMeta& meta, const Tensor& real, int64_t every,
                             int64_t points, const std::string& model);

}  // namespace gantool
