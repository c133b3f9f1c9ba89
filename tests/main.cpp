// The Catch2 test runner for every test in tests/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
