# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# gnuplot -e "datafile='...'; outfile='...'" bench/cost.gp
set terminal pngcairo size 800,480
set output outfile
set title "open+close: added cost over bare, by rule count (VM, TCG)"
set logscale x 10
set xlabel "file rules"
set ylabel "added ns per open+close"
set yrange [0:*]
set key top left
set grid
plot datafile using 1:2 with linespoints lw 2 title "stockade", \
     datafile using 1:3 with lines dt 2 lw 2 title "empty LSM program (floor)"
