// NetSpec: text round trips (bit-exact alphas), the refusals of parse_net_spec and
// check_net_spec, and the MLP flags ↔ spec pair.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "nn/net_spec.hpp"

using namespace gantool;

TEST_CASE("net spec: text round trips exactly", "[net_spec]") {
  NetSpec mlp = mlp_spec(3, {{128, 64}, Activation::leaky_relu, 0.2f, Activation::tanh}, 2);
  CHECK(format_net_spec(mlp) == "in 3; linear 128 leaky_relu:0.2; linear 64 leaky_relu:0.2; linear 2 tanh");
  CHECK(parse_net_spec(format_net_spec(mlp), "t") == mlp);

  NetSpec odd = mlp_spec(5, {{7}, Activation::elu, 0.1f + 1e-7f, Activation::identity}, 6);
  odd.in = {1, 5};
  odd.heads = {{2, Activation::tanh, 0.0f}, {3, Activation::sigmoid, 0.0f}, {1, Activation::leaky_relu, 0.01f}};
  const NetSpec back = parse_net_spec(format_net_spec(odd), "t");
  CHECK(back == odd);
  CHECK(back.layers[0].alpha == odd.layers[0].alpha);  // the float's bits, not a rounded decimal
  CHECK(back.in_size() == 5);
  CHECK(back.out_size() == 6);

  NetSpec dropped = mlp_spec(4, {{16, 8}, Activation::leaky_relu, 0.2f, Activation::identity}, 1);
  dropped.layers[0].dropout = 0.5f;
  dropped.layers[1].dropout = 0.1f;
  CHECK(format_net_spec(dropped) ==
        "in 4; linear 16 leaky_relu:0.2 dropout:0.5; linear 8 leaky_relu:0.2 dropout:0.1; linear 1 identity");
  CHECK(parse_net_spec(format_net_spec(dropped), "t") == dropped);
  MlpFlags flags;
  CHECK_FALSE(mlp_flags(dropped, flags));  // not what train's MLP flags make

  NetSpec residual = mlp_spec(5, {{8, 8}, Activation::relu, 0.0f, Activation::identity}, 3);
  for (size_t l = 0; l < 2; ++l) residual.layers[l].batch_norm = residual.layers[l].concat = true;
  residual.layers[1].dropout = 0.5f;
  CHECK(format_net_spec(residual) ==
        "in 5; linear 8 relu batch_norm concat; linear 8 relu batch_norm dropout:0.5 concat; linear 3 identity");
  CHECK(parse_net_spec(format_net_spec(residual), "t") == residual);
  CHECK(parse_net_spec("in 5; linear 8 relu concat batch_norm; linear 8 relu dropout:0.5 concat batch_norm; linear 3 identity",
                       "t") == residual);  // any order
  CHECK(residual.layer_inputs() == std::vector<int64_t>{5, 13, 21});
  CHECK(residual.out_size() == 3);
  CHECK_FALSE(mlp_flags(residual, flags));
}

TEST_CASE("net spec: the parser names what it could not read", "[net_spec]") {
  const auto error = [](const std::string& text) {
    try {
      parse_net_spec(text, "m.h5: /config attribute 'g_net'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error(""), Catch::Contains("m.h5: /config attribute 'g_net'"));
  CHECK_THAT(error("in 2"), Catch::Contains("no layers"));
  CHECK_THAT(error("in 0; linear 2 relu"), Catch::Contains("'0' is not a size"));
  CHECK_THAT(error("in 2; conv 3 relu"), Catch::Contains("unknown layer kind 'conv'"));
  CHECK_THAT(error("in 2; linear 3 swish"), Catch::Contains("swish"));
  CHECK_THAT(error("in 2; linear 3 leaky_relu:x"), Catch::Contains("leaky_relu:x"));
  CHECK_THAT(error("in 2; linear 99999999999 relu"), Catch::Contains("not a size"));
  CHECK_THAT(error("in 2; linear 3"), Catch::Contains("KIND WIDTH ACTIVATION"));
  CHECK_THAT(error("in 2; linear 3 tanh; heads 1 tanh"), Catch::Contains("identity last layer"));
  CHECK_THAT(error("in 2; linear 3 identity; heads 1 tanh, 1 relu"), Catch::Contains("cover 2 columns of 3"));
  CHECK_THAT(error("in 2; linear 3 identity; heads 3 tanh; linear 2 relu"), Catch::Contains("heads must come last"));
  CHECK_THAT(error("in 2; linear 3 leaky_relu:-1"), Catch::Contains("activation parameter -1"));
  CHECK_THAT(error("in 2; linear 3 elu:nan"), Catch::Contains("activation parameter nan"));
  CHECK_THAT(error("in 2; linear 3 relu dropout:1; linear 1 identity"), Catch::Contains("dropout rate 1"));
  CHECK_THAT(error("in 2; linear 3 relu dropout:-0.1; linear 1 identity"), Catch::Contains("dropout rate -0.1"));
  CHECK_THAT(error("in 2; linear 3 relu drop:0.5; linear 1 identity"), Catch::Contains("'drop:0.5' is not kK, sS, pP, opP, shape:CxHxW, batch_norm, dropout:RATE or concat"));
  CHECK_THAT(error("in 2; linear 3 relu dropout:; linear 1 identity"), Catch::Contains("is not 'dropout:RATE'"));
  CHECK_THAT(error("in 2; linear 3 relu; linear 1 identity dropout:0.5"), Catch::Contains("last layer has dropout"));
  CHECK_THAT(error("in 2; linear 3 relu; linear 1 identity batch_norm"), Catch::Contains("last layer has batch norm"));
  CHECK_THAT(error("in 2; linear 3 relu; linear 1 identity concat"), Catch::Contains("last layer has concat"));
  CHECK_THAT(error("in 2; linear 3 relu concat concat; linear 1 identity"), Catch::Contains("each at most once"));
  CHECK_THAT(error("in 16777216; linear 3 relu concat; linear 1 identity"), Catch::Contains("layer 1 reads 16777219 values"));
  CHECK(error("in 2; linear 3 identity; heads 2 tanh, 1 relu") == "no error");
}

TEST_CASE("net spec: MLP flags map to a spec and back", "[net_spec]") {
  const MlpFlags flags{{16, 8}, Activation::elu, 1.0f, Activation::sigmoid};
  const NetSpec spec = mlp_spec(4, flags, 3);
  REQUIRE(spec.layers.size() == 3);
  CHECK(spec.layers[1].out == 8);
  CHECK(spec.layers[2].activation == Activation::sigmoid);
  MlpFlags back;
  REQUIRE(mlp_flags(spec, back));
  CHECK(back == flags);

  NetSpec with_heads = mlp_spec(4, {{16}, Activation::relu, 0.0f, Activation::identity}, 3);
  with_heads.heads = {{3, Activation::tanh, 0.0f}};
  CHECK_FALSE(mlp_flags(with_heads, back));
  NetSpec mixed = spec;
  mixed.layers[1].activation = Activation::relu;
  CHECK_FALSE(mlp_flags(mixed, back));
}
