# The mode-collapse sweep as a figure: per dataset, modes covered (top) and the share of
# high-quality samples (bottom) against the pack, one line per loss (mean ± standard error
# over seeds, from collect.py's summary), with PacGAN's Table 1 in black.
# gnuplot -e "summary='out/summary.tsv'; out='out/modes.png'; dists='ring grid'; \
#             losses='nonsaturating wgan-gp hinge'; steps='3000'" plot.gp
set terminal pngcairo size 1200,1000 font ",11"
set output out
set datafile separator "\t"
set logscale x 2
set xrange [0.75:5.5]
set xtics ("1" 1, "2" 2, "4" 4)
set xlabel "pack (samples per input of D)"
set grid ytics
set key below horizontal
set multiplot layout 2, words(dists) \
    title sprintf("Mode collapse: gantool (%s steps) beside PacGAN's Table 1; mean ± standard error over seeds", steps)
do for [quantity = 1:2] {
  do for [d in dists] {
    col = quantity == 1 ? 2 : 4
    if (quantity == 1) {
      set title sprintf("%s: modes covered", d)
      set yrange [0:(d eq "ring" ? 8.5 : 26)]
    } else {
      set title sprintf("%s: high-quality samples (%%)", d)
      set yrange [0:105]
    }
    # Each loss a little to the side of the pack, so that the error bars do not overlap.
    plot for [i = 1:words(losses)] summary index sprintf("%s %s", d, word(losses, i)) \
           using ($1 * 2**((i - 2) * 0.06)):(column(col)):(column(col + 1)) \
           with yerrorlines lw 2 pt 7 title word(losses, i), \
         summary index sprintf("%s pacgan", d) using ($1 * 2**0.15):(column(col)):(column(col + 1)) \
           with yerrorbars lc "black" pt 5 ps 1.2 title "PacGAN, Table 1"
  }
}
unset multiplot
