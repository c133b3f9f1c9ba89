// Random choices of rows: exactly k of n in order (selection sampling) and a random order
// (Fisher–Yates). Every choice draws from an explicit Rng, so a seed replays it.
#pragma once

#include <cstdint>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace gantool {

// Chooses exactly `needed` of the next `left` rows, one decision per row in order: Knuth's
// selection sampling (TAOCP vol. 2, 3.4.2, Algorithm S). Each decision draws one block of
// rng; the same rng replays the same choices.
struct Selection {
  Rng rng;
  int64_t left = 0;    // rows not yet decided
  int64_t needed = 0;  // of which still to choose

  // Decides the next row: true when it is chosen (with probability needed / left).
  bool next();
};

// `count` of the rows of t (rows, cols) chosen at random by a Selection on rng, in their
// order; all of them (and no draw) when count ≥ rows. Stops drawing after the last choice.
Tensor select_rows(Tensor t, int64_t count, Rng& rng);

// Shuffles the rows of t (rows, cols) in place: Fisher–Yates (Knuth's Algorithm P), row i
// swapping with row below(rng, i + 1), i from the last down to 1.
void shuffle_rows(Tensor& t, Rng& rng);

}  // namespace gantool
