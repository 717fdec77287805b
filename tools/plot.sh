#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Draw mmtwin-compare --watch samples with gnuplot (Debian's gnuplot-nox):
#
#   watermarks.{png,svg}  free pages against the min/low/high watermarks of
#                         each of the twin's zones, twin above, kernel below
#   orders.{png,svg}      free blocks per order of twin and kernel, summed
#                         over those zones, at the first sample and at the
#                         sample where the twin had the least free memory
#
#   tools/plot.sh SAMPLES OUTDIR
#
# SAMPLES is --watch's text: "# time side node zone free min low high
# o0..o10" lines, and "# mark TIME SIDE NODE kswapd_wake|kswapd_sleep"
# lines where a kswapd of that side and node woke or went to sleep (from
# the tracepoints, on the samples' clock). Each mark is a vertical line on
# its side's watermark plot, in the colour of the node's zones, topped by
# a triangle: up for a wake, down for a sleep. The marks are also in
# OUTDIR/data/kswapd-SIDE.dat ("time node wake|sleep"). Prints the paths
# of the files it wrote.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 SAMPLES OUTDIR" >&2; exit 2; }
samples=$1 out=$2
command -v gnuplot >/dev/null || { echo "$0: gnuplot is missing (apt-get install gnuplot-nox)" >&2; exit 1; }
grep -q ' twin ' "$samples" || { echo "$0: no twin samples in $samples" >&2; exit 1; }
mkdir -p "$out/data"
data=$out/data

# One file per side and zone: time free min low high.
zones=$(awk '!/^#/ && $2 == "twin" { print $3 "-" $4 }' "$samples" | sort -u)
for z in $zones; do
	for side in twin kernel; do
		awk -v s=$side -v n="${z%%-*}" -v zn="${z#*-}" \
			'!/^#/ && $2 == s && $3 == n && $4 == zn { print $1, $5, $6, $7, $8 }' \
			"$samples" >"$data/$side-$z.dat"
	done
done

# The two moments of the order plot: the first sample, and the one where
# the twin's zones had the fewest free pages between them.
read -r t_first t_low < <(awk '!/^#/ && $2 == "twin" { f[$1] += $5; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
	END { low = order[0]; for (i = 0; i < n; i++) if (f[order[i]] < f[low]) low = order[i]; print order[0], low }' "$samples")
for side in twin kernel; do
	awk -v s=$side -v a="$t_first" -v b="$t_low" -v zones="$zones" '
		BEGIN { split(zones, zl, " "); for (i in zl) want[zl[i]] = 1 }
		!/^#/ && $2 == s && (($3 "-" $4) in want) {
			for (o = 0; o <= 10; o++) {
				if ($1 == a) first[o] += $(9 + o)
				if ($1 == b) low[o] += $(9 + o)
			}
		}
		END { for (o = 0; o <= 10; o++) print o, first[o] + 0, low[o] + 0 }' \
		"$samples" >"$data/orders-$side.dat"
done
# kswapd's marks per side: time node wake|sleep.
for side in twin kernel; do
	awk -v s=$side '$1 == "#" && $2 == "mark" && $3 ~ /^[0-9]+(\.[0-9]*)?$/ && $4 == s &&
		$5 ~ /^[0-9]+$/ && $6 ~ /^kswapd_(wake|sleep)$/ && NF == 6 {
		sub(/^kswapd_/, "", $6); print $3, $5, $6 }' "$samples" >"$data/kswapd-$side.dat"
done

# The plot clauses of one side's kswapd marks: for each node and event that
# has any, vertical lines (impulses on y2, 0 to 1) in the colour of the
# node's first zone, and a triangle at the top that carries the key.
mark_clauses()
{
	local side=$1 z i=1 node ev pt
	local -A colour=()

	for z in $zones; do
		node=${z%%-*}
		[ -n "${colour[$node]:-}" ] || colour[$node]=$i
		i=$((i + 1))
	done
	for node in $(printf '%s\n' "${!colour[@]}" | sort -n); do
		for ev in wake sleep; do
			grep -q " $node $ev\$" "$data/kswapd-$side.dat" || continue
			[ $ev = wake ] && pt=9 || pt=11
			printf " '%s' using 1:(\$2 == %s && strcol(3) eq '%s' ? 1 : NaN) axes x1y2 with impulses lw 1 lc %s notitle," \
				"$data/kswapd-$side.dat" "$node" "$ev" "${colour[$node]}"
			printf " '' using 1:(\$2 == %s && strcol(3) eq '%s' ? 0.97 : NaN) axes x1y2 with points pt %s ps 1.2 lc %s title 'kswapd%s %s'," \
				"$node" "$ev" "$pt" "${colour[$node]}" "$node" "$ev"
		done
	done
}

plot_watermarks()
{
	local side plot z i
	echo "set multiplot layout 2,1"
	echo "set y2range [0:1]; unset y2tics"
	for side in twin kernel; do
		# The twin's few thousand pages sit one or two decades above its
		# marks: log scale. The kernel's zones are hundreds of times larger
		# than their marks until min_free_kbytes is raised: linear.
		if [ $side = twin ]; then
			echo "set title 'twin (mmtwin_buddy; kswapd: mmtwin_reclaim)'"
			echo "set ylabel 'pages (log scale)'; set logscale y"
		else
			echo "set title 'kernel (/proc/zoneinfo; kswapd: vmscan events), the same zones'"
			echo "set ylabel 'pages'; unset logscale y; set yrange [0:*]"
		fi
		echo "set xlabel 'seconds'; set key outside right"
		plot="plot"
		i=1
		for z in $zones; do
			plot="$plot '$data/$side-$z.dat' using 1:2 with lines lw 2 lc $i title 'free $z',"
			plot="$plot '' using 1:3 with lines dt 2 lc $i title 'min',"
			plot="$plot '' using 1:4 with lines dt 3 lc $i title 'low',"
			plot="$plot '' using 1:5 with lines dt 4 lc $i title 'high',"
			i=$((i + 1))
		done
		plot="$plot$(mark_clauses $side)"
		echo "${plot%,}"
	done
	echo "unset multiplot"
}

plot_orders()
{
	local side
	echo "set multiplot layout 1,2"
	echo "set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1"
	echo "set xlabel 'order'; set ylabel 'free blocks'; set yrange [0:*]; set key top left"
	for side in twin kernel; do
		echo "set title '$side: free blocks per order ($(echo $zones | tr ' ' ','))'"
		echo "plot '$data/orders-$side.dat' using 2:xtic(1) title 'at ${t_first} s', '' using 3 title 'at ${t_low} s (twin lowest)'"
	done
	echo "unset multiplot"
}

for fmt in png svg; do
	case $fmt in
	png) term="set terminal png size 1000,800 noenhanced" ;;
	svg) term="set terminal svg size 1000,800 dynamic noenhanced" ;;
	esac
	{ echo "$term; set output '$out/watermarks.$fmt'"; plot_watermarks; } | gnuplot
	{ echo "$term; set output '$out/orders.$fmt'"; plot_orders; } | gnuplot
done
for f in watermarks orders; do
	echo "$out/$f.png"
	echo "$out/$f.svg"
done
