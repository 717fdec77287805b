#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Does a demo's output show what the walkthrough quotes? Every line of every
# literal block of WALKTHROUGH (the indented text after a "::" paragraph)
# must be a line of OUTPUT, up to numbers and blanks: decimal and hex
# numbers (with or without 0x, as in /proc/PID/maps) compare equal to any
# other, and '*' marks and blanks are ignored (a padded "[ 20]" is "[244]"
# with another number). Blocks made
# only of "$ " lines are commands for the reader and are not looked for; a
# line "..." stands for lines left out.
#
#   tools/walkthrough-check.sh WALKTHROUGH OUTPUT
#
# Prints each quoted line the output lacks; exits 1 if there is one.
# Plain awk and sh: runs on the host and in the test VM's busybox.
[ $# -eq 2 ] || { echo "usage: $0 WALKTHROUGH OUTPUT" >&2; exit 2; }

norm='
function norm(s) {
	gsub(/0x[0-9a-fA-F]+/, "#", s)
	gsub(/[0-9][0-9a-fA-F]*/, "#", s)
	gsub(/\*/, "", s)
	gsub(/[ \t]+/, "", s)
	return s
}'

awk "$norm"'
	# Pass 1: the output, normalised.
	FNR == NR { have[norm($0)] = 1; next }

	# Pass 2: literal blocks of the walkthrough.
	function flush(   i, cmds) {
		cmds = 1
		for (i = 0; i < n; i++)
			if (block[i] !~ /^\$ / && block[i] !~ /^ *$/)
				cmds = 0
		if (!cmds)
			for (i = 0; i < n; i++) {
				if (block[i] == "..." || block[i] ~ /^ *$/)
					continue
				quoted++
				if (!(norm(block[i]) in have)) {
					printf "not in the output (%s:%d): %s\n", FILENAME, line[i], block[i]
					missing++
				}
			}
		n = 0; inblock = 0
	}
	inblock && /^$/ { block[n] = ""; line[n++] = FNR; next }
	inblock && /^[ \t]/ {
		if (!indent) { match($0, /^[ \t]+/); indent = RLENGTH }
		block[n] = substr($0, indent + 1); line[n++] = FNR; next
	}
	inblock { flush() }
	/::[ \t]*$/ { inblock = 1; indent = 0; n = 0 }
	END {
		if (inblock) flush()
		printf "walkthrough: %d quoted lines, %d not in the output\n", quoted, missing
		exit (missing > 0 || quoted == 0)
	}' "$2" "$1"
