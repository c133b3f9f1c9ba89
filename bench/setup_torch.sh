#!/bin/sh
# Set-up for bench/torch_gan.py, the PyTorch side of the GAN training-step benchmark.
#
# Debian's python3-torch links the generic libblas.so.3 / liblapack.so.3 (BLAS_INFO=generic),
# which Debian resolves through update-alternatives. Out of the box that is the reference
# (netlib) BLAS, ~5 GFLOP/s for sgemm here; OpenBLAS is 20-40x faster. This script:
#   1. installs python3-torch and libopenblas0-openmp with apt-get if either is missing
#      (apt-get update first, only then; --no-install-recommends keeps out ~1 GB of dev tools);
#   2. selects the OpenMP build of OpenBLAS for libblas.so.3, liblapack.so.3 and
#      libopenblas.so.0 (OpenMP, not pthread: torch itself runs on libgomp, and a second
#      thread pool would oversubscribe the cores);
#   3. prints what torch now loads.
# Idempotent: a run with everything in place installs and changes nothing.
# Usage: sh bench/setup_torch.sh   (as root, or with sudo available)
set -eu

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "setup_torch.sh: needs root (or sudo) for apt-get and update-alternatives" >&2
        exit 1
    fi
fi

missing=
for pkg in python3-torch libopenblas0-openmp; do
    if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    echo "setup_torch.sh: installing$missing"
    $SUDO apt-get update
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
else
    echo "setup_torch.sh: python3-torch and libopenblas0-openmp already installed"
fi

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
    /usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH"))')
dir=/usr/lib/$multiarch/openblas-openmp
for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
    name=$lib-$multiarch
    target=$dir/$lib
    current=$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')
    if [ "$current" != "$target" ]; then
        $SUDO update-alternatives --set "$name" "$target"
    fi
    echo "setup_torch.sh: $name -> $(update-alternatives --query "$name" | sed -n 's/^Value: //p')"
done

# What torch actually loads, and OpenBLAS's build and CPU kernel choice.
/usr/bin/python3 - <<'EOF'
import ctypes, os, torch
libs = sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps")
               if "blas" in l or "lapack" in l})
print("setup_torch.sh: torch", torch.__version__, "loads", " ".join(libs))
try:
    ob = ctypes.CDLL("libopenblas.so.0")
    ob.openblas_get_config.restype = ctypes.c_char_p
    ob.openblas_get_corename.restype = ctypes.c_char_p
    print("setup_torch.sh:", ob.openblas_get_config().decode(),
          "| kernels:", ob.openblas_get_corename().decode(),
          "| OPENBLAS_CORETYPE =", os.environ.get("OPENBLAS_CORETYPE", "(unset)"))
except OSError:
    print("setup_torch.sh: libopenblas.so.0 not loadable")
EOF
