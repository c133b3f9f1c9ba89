// A training run's options turned into a GanConfig, and the errors that name the flag.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "gan/train_options.hpp"

using namespace gantool;

TEST_CASE("train options: the defaults give gantool train's game", "[train]") {
  const GanConfig c = gan_config(TrainOptions{}, 3);
  CHECK(c.data_dim() == 3);
  CHECK(c.z_dim() == 2);
  MlpFlags g, d;
  REQUIRE(mlp_flags(c.g, g));
  REQUIRE(mlp_flags(c.d, d));
  CHECK(g.hidden == std::vector<int64_t>{128, 128, 128});
  CHECK(d.hidden == std::vector<int64_t>{256, 256});
  CHECK(g.activation == Activation::relu);
  CHECK(g.out_activation == Activation::identity);
  CHECK(c.loss == GanLoss::nonsaturating);
  CHECK(c.opt_g.lr == 2e-4);
  CHECK(c.opt_d.momentum == 0.0);  // Adam: SGD's momentum is not used
  CHECK(d.activation == Activation::leaky_relu);
  CHECK(d.alpha == Approx(0.2));
}

TEST_CASE("train options: impossible values name their flag", "[train]") {
  const auto refused = [](TrainOptions o, const char* flag) {
    CHECK_THROWS_AS(gan_config(o, 2), UsageError);
    CHECK_THROWS_WITH(gan_config(o, 2), Catch::Contains(flag));
  };
  TrainOptions o;
  o.lr_g = -1;
  refused(o, "--lr-g");
  o = {}, o.beta2 = 1;
  refused(o, "--beta2");
  o = {}, o.pack = 3;
  refused(o, "--pack");
  o = {}, o.g_hidden = "64,0";
  refused(o, "--g-hidden");
  o = {}, o.lr_decay = "cosine";
  refused(o, "--lr-decay");
  CHECK(parse_widths("8,16", "--d-hidden") == std::vector<int64_t>{8, 16});
  CHECK_THROWS_WITH(parse_widths("", "--d-hidden"), Catch::Contains("--d-hidden"));
}
