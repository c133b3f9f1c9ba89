// A net's parameters (and batch norm's running statistics) as one HDF5 group, a dataset per
// view at the view's name (layer0/weights, layer0/bias, ...): the layout of model files
// and classifier files alike. Internal to lib/io.
#pragma once

#include <cstdint>
#include <string>

#include <hdf5.h>

#include "nn/net.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

// Writes net's parameter and state views into a new group `name` of file.
void write_network(hid_t file, const std::string& name, const Net& net);

// Checks the shapes of group /name's views against net's, then reads them into net (and,
// with a state, the optimizer's step and moments from /optimizer/name, as model format
// `version` stores them). Errors name `what` and say the file is damaged.
void read_network(hid_t file, const std::string& name, Net& net, OptimizerState* state, int64_t version,
                  const std::string& what);

}  // namespace gantool
