// The flags of the synthetic distributions (--modes, --radius, ...), bound from the one list
// in data/synthetic.hpp.
#include "commands.hpp"
#include "data/synthetic.hpp"

namespace gantool {

void add_synthetic_options(CLI::App* cmd, SyntheticSpec& spec) {
  const char* group = "Synthetic distribution";
  for (const SyntheticParam& p : synthetic_params()) {
    CLI::Option* option = p.integer ? cmd->add_option(p.flag, spec.*p.integer, p.help)
                                    : cmd->add_option(p.flag, spec.*p.real, p.help);
    if (!p.negative_is_default) option->capture_default_str();
    option->group(group);
  }
}

}  // namespace gantool
