# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# gnuplot -e "datafile='...'; outfile='...'" bench/cost.gp
# datafile (bench/report.py): rules, then per hook stockade's added cost
# divided by the empty programs' added cost (1 = the floor).
set terminal pngcairo size 900,520
set output outfile
set title "stockade's added cost relative to the floor (empty BPF programs), by rule count\n(6.12 VM under TCG, instruction-counted time; rules of each kind: files, exec, connect, bind)"
set logscale x 10
set xrange [0.5:200000]
set xlabel "rules of each kind"
set ylabel "added cost / floor's added cost"
set logscale y 2
set yrange [0.5:*]
set key top left
set grid
plot datafile using 1:2 with linespoints lw 2 title "open+close", \
     datafile using 1:3 with linespoints lw 2 title "execve", \
     datafile using 1:4 with linespoints lw 2 title "connect", \
     datafile using 1:5 with linespoints lw 2 title "bind", \
     1.5 with lines dt 2 lw 2 lc rgb "red" title "target: 1.5x the floor", \
     1 with lines dt 3 lw 1 lc rgb "gray" title "floor"
