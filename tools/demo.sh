#!/bin/sh
# make demo: the main pipeline (prepare, info, export, train, sample, score, eval-jsd), on
# the built-in 8-mode ring; then a short WGAN-GP training; then a real table (Adult) imported
# and reported on; then a synthetic table (penguins) from the tabular model; then pictures.
# Usage: tools/demo.sh path/to/gantool OUTPUT_DIR
set -eu
gantool=$1
out=$2
mkdir -p "$out"
run() {
  echo "\$ $*" | sed "s|$gantool|gantool|; s|$out/||g"
  "$@"
  echo
}
run "$gantool" prepare --dist ring -n 20000 --seed 1 -o "$out/ring.h5"
run "$gantool" info "$out/ring.h5"
# Through CSV and back, standardized and split 80/20, as a real dataset would be imported.
"$gantool" export "$out/ring.h5" -o "$out/ring.csv"
run "$gantool" prepare --from "$out/ring.csv" --normalize standard --shuffle \
    --split 0.2 --test-out "$out/ring_test.h5" -o "$out/ring_train.h5"
run "$gantool" info "$out/ring_train.h5" "$out/ring_test.h5"
echo "\$ gantool export ring_train.h5 --denormalize | head -4"
"$gantool" export "$out/ring_train.h5" --denormalize | head -4
echo
run "$gantool" train --data "$out/ring.h5" --model "$out/gan.h5" --log-every 5000
run "$gantool" info "$out/gan.h5"
run "$gantool" sample --model "$out/gan.h5" -n 20000 -o "$out/fake.h5"
run "$gantool" info "$out/fake.h5"
run "$gantool" sample --model "$out/gan.h5" -n 20000 --reject -o "$out/fake_reject.h5"
echo "\$ gantool sample --model gan.h5 -n 5 -o -"
"$gantool" sample --model "$out/gan.h5" -n 5 -o -
echo
run "$gantool" score --model "$out/gan.h5" "$out/ring_test.h5" -o "$out/scores.h5"
run "$gantool" info "$out/scores.h5"
# How far the samples are from held-out data, without and with rejection sampling.
run "$gantool" eval-jsd "$out/ring_test.h5" "$out/fake.h5"
run "$gantool" eval-jsd "$out/ring_test.h5" "$out/fake_reject.h5"
# A gradient penalty: WGAN-GP (5 critic steps per step; λ = 1 suits 2-D data, README), short.
# --snapshot-every keeps G and D every 500 steps, for the pictures at the end.
run "$gantool" train --data "$out/ring.h5" --model "$out/wgan.h5" --loss wgan-gp --gp-weight 1 \
    --steps 3000 --threads 2 --log-every 500 --snapshot-every 500
run "$gantool" sample --model "$out/wgan.h5" -n 20000 -o "$out/fake_wgan.h5"
run "$gantool" eval-jsd "$out/ring_test.h5" "$out/fake_wgan.h5"
# A real table: the Adult census extract (data/adult.csv.gz, 32,561 rows), its column kinds
# inferred, split in three: rows a generator would train on, rows standing in for its
# synthetic output, and held-out real rows. Two random halves of one table should look alike
# in every section of the report; a "generator" that copies its training rows should not.
data=$(dirname "$0")/../data
echo "\$ gzip -dc data/adult.csv.gz | gantool prepare --from - --shuffle --split 0.5 --test-out rest.h5 -o adult_train.h5"
gzip -dc "$data/adult.csv.gz" | "$gantool" prepare --from - --shuffle --split 0.5 --test-out "$out/rest.h5" \
    -o "$out/adult_train.h5"
echo
run "$gantool" prepare --from "$out/rest.h5" --split 0.5 --seed 2 --test-out "$out/adult_real.h5" \
    -o "$out/adult_synth.h5"
run "$gantool" info "$out/adult_train.h5"
run "$gantool" report "$out/adult_real.h5" "$out/adult_synth.h5" --train "$out/adult_train.h5" --target income
run "$gantool" report "$out/adult_real.h5" "$out/adult_train.h5" --train "$out/adult_train.h5"
# Synthetic tables: the tabular model (CTGAN's conditional GAN) on the Palmer penguins
# (r-cran-palmerpenguins: 344 rows with categories, integers and missing values), its
# synthetic rows in the table's own form, conditioned on a column, and reported on.
penguins=/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv
run "$gantool" prepare --from "$penguins" --split 0.2 --seed 7 --test-out "$out/penguins_test.h5" \
    -o "$out/penguins_train.h5"
run "$gantool" train --data "$out/penguins_train.h5" --model "$out/penguins_gan.h5" --log-every 1000
run "$gantool" sample --model "$out/penguins_gan.h5" -n 275 -o "$out/penguins_synth.h5"
echo "\$ gantool sample --model penguins_gan.h5 -n 5 -o - --condition species=Gentoo --condition sex=female"
"$gantool" sample --model "$out/penguins_gan.h5" -n 5 -o - --condition species=Gentoo --condition sex=female
echo
run "$gantool" report "$out/penguins_test.h5" "$out/penguins_synth.h5" --train "$out/penguins_train.h5"
# Pictures, drawn by gnuplot: the ring's samples over held-out rows, the two runs' histories,
# D over the plane with the data and G's samples (the seeds' D* = p_data / (p_data + p_g)),
# and the WGAN-GP critic as training went (its snapshots). Drawn from the output folder, so
# that the pictures name the files as a person would.
gantool=$(cd "$(dirname "$gantool")" && pwd)/$(basename "$gantool")
cd "$out"
run "$gantool" plot samples ring_test.h5 fake.h5 -o samples.png --size 640x560
run "$gantool" plot history gan.h5 wgan.h5 -o history.png --size 900x720
run "$gantool" plot critic gan.h5 --data ring_test.h5 -o critic.png --size 640x560
run "$gantool" plot critic wgan.h5 --data ring_test.h5 --every 1000 -o critic_training.png --size 1200x420
run "$gantool" plot samples penguins_test.h5 penguins_synth.h5 --columns species,bill_length_mm,flipper_length_mm,sex \
    -o penguins.png --size 960x960
# Images: Fashion-MNIST (dataset-fashion-mnist) through a DCGAN, briefly: 1,000 steps (about
# 2 minutes on 2 cores; README's figures come from 30 minutes), its samples as an 8×8 grid
# beside the real images' grid, and an interpolation between two of them.
fm=/usr/share/datasets/fashion-mnist
run "$gantool" prepare --from $fm/train-images-idx3-ubyte.gz --labels $fm/train-labels-idx1-ubyte.gz \
    --label-names "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot" -o fashion.h5
run "$gantool" train --data fashion.h5 --model dcgan.h5 --steps 1000 --log-every 250
run "$gantool" sample --model dcgan.h5 -n 64 -o dcgan_fake.h5
run "$gantool" plot grid dcgan_fake.h5 -o dcgan_grid.png
run "$gantool" plot grid fashion.h5 -o fashion_grid.png
run "$gantool" sample --model dcgan.h5 --interpolate 3,17 --steps 10 -o dcgan_path.h5
run "$gantool" plot grid dcgan_path.h5 --rows 1 --cols 10 -o dcgan_interpolation.png
echo "demo: files in $out"
