// Tiled forward passes: the same values as the network's own forward pass, and bits that
// depend on neither the number of rows per call nor the thread count.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core/rng.hpp"
#include "nn/reference.hpp"
#include "nn/tiled.hpp"

using namespace gantool;
using namespace gantool_test;

TEST_CASE("tiled forward: values of the double reference, bits independent of rows and threads", "[tiled]") {
  Rng init = make_rng(5);
  Net net(mlp(3, {33, 17}, 2, Activation::leaky_relu, 0.2f, Activation::tanh, 0.0f), Init::pytorch, init);
  const int64_t tile = TiledForward::kTileRows, n = 3 * tile + 77;  // a partial last tile
  std::vector<float> x(n * 3);
  Rng rng = make_rng(6);
  for (auto& v : x) v = static_cast<float>(normal(rng));

  TiledForward one(net, 1), two(net, 2);
  std::vector<float> y1(n * 2), y2(n * 2), prefix(tile * 2 + 10);
  one.run(x.data(), n, y1.data());
  two.run(x.data(), n, y2.data());
  CHECK(std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)) == 0);
  // Calls over part of the rows, starting at a tile boundary, give the same bits.
  two.run(x.data() + tile * 3, tile + 5, prefix.data());
  CHECK(std::memcmp(prefix.data(), y1.data() + tile * 2, prefix.size() * sizeof(float)) == 0);

  const std::vector<RefLayer> ref = ref_layers(net);
  const std::vector<double> y_ref = ref_forward(ref, std::vector<double>(x.begin(), x.end()), n);
  for (int64_t i = 0; i < n * 2; ++i) REQUIRE(y1[i] == Approx(y_ref[i]).epsilon(1e-4).margin(1e-5));
}
