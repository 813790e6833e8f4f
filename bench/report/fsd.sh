# bench/report/fsd.sh - section "fsd" of docs/BENCHMARKS.md (sourced by bench/report.sh):
# ntsec-fsd against nginx, lighttpd, Apache mpm-itk per user and the bare libmicrohttpd server
# (bench/fsd.sh: 4 KiB
# keep-alive GETs, alternating rounds; as root), with issue 12's goals. FSD_SECONDS (10) and
# FSD_ROUNDS (5) set the run.

FSD_ROWS=("nginx_tcp|nginx over TCP (\`wrk -t2 -c16\`)"
    "nginx_tcp_h2|nginx over TCP (\`h2load --h1 -t2 -c16\`, the Unix rows' load generator)"
    "fsd_tcp_on|ntsec-fsd over TCP, guest uid 65534, **impersonation on**"
    "fsd_tcp_off|ntsec-fsd over TCP, guest, **impersonation off** (benchmark mode)"
    "fsd_unix_on|ntsec-fsd over the Unix socket, uid 65534, **impersonation on** (\`h2load --h1 -t2 -c16\`)"
    "fsd_unix_off|ntsec-fsd over the Unix socket, uid 65534, **impersonation off**"
    "mhd_tcp|bare libmicrohttpd over TCP (bench/peer_mhd.c: no ntsec, same daemon mode)"
    "mhd_switch_tcp|bare libmicrohttpd over TCP + raw per-request uid switch"
    "mhd_unix|bare libmicrohttpd over a Unix socket (\`h2load\`)"
    "lighttpd_tcp|lighttpd over TCP"
    "itk_tcp|Apache prefork + mpm-itk per user over TCP")

# fsd_round_value FILE ROUND NAME: NAME=value of "round ROUND (...)" in FILE
fsd_round_value() {
    awk -v r="$2" -v n="$3" '$1 == "round" && $2 == r {
        for (i = 1; i <= NF; i++) if (index($i, n "=") == 1) { print substr($i, length(n) + 2); exit } }' "$1"
}

section_fsd() {
    run_note fsd
    local secs=${FSD_SECONDS:-10} rounds=${FSD_ROUNDS:-5}
    cat <<EOF2
## ntsec-fsd against nginx (bench/fsd.sh)

4 KiB static GETs with keep-alive, 16 connections, loopback and the server's Unix socket only,
every load bounded; each configuration runs once per round for ${secs} s, the rounds alternate
the order, and the ratios are the medians of the per-round ratios. "Impersonation off" is the
same binary in its benchmark mode \`--bench-no-impersonation\` (docs/fsd.md: every request
served as the server; refused without \`NTSEC_FSD_BENCH_UNSAFE=1\`). A GET that the connection's
thread serves **the kept way** (docs/fsd.md "Keeping the client") switches no credentials and
reads no extended attribute; the last line below says how many were.

    bash bench/fsd.sh $BUILD $secs $rounds      # as root; wrk, h2load, nginx, lighttpd, apache2 + mpm-itk

EOF2
    local out=$TMP/fsd.txt
    if [[ $(id -u) != 0 ]]; then echo "(not run: bench/fsd.sh needs root)"; return; fi
    bash bench/fsd.sh "$BUILD" "$secs" "$rounds" >"$out" 2>&1 || { echo "(bench/fsd.sh failed: $(tail -1 "$out"))"; return; }
    local r head="| req/s |" rule="|---|"
    for r in $(seq 1 "$rounds"); do head+=" round $r |"; rule+="---:|"; done
    echo "$head median |"; echo "$rule---:|"
    local entry name label row med
    for entry in "${FSD_ROWS[@]}"; do
        name=${entry%%|*} label=${entry#*|}
        row="| $label |"
        for r in $(seq 1 "$rounds"); do row+=" $(thousands "$(fsd_round_value "$out" "$r" "$name" | cut -d. -f1)") |"; done
        med=$(for r in $(seq 1 "$rounds"); do fsd_round_value "$out" "$r" "$name"; done | grep -v '^-$' |
              sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }')
        echo "$row $(thousands "${med%%.*}") |"
    done
    echo
    echo "Load average per round: $(awk '$1 == "round" { sub(/.*load average /, ""); printf "%s%s", sep, $0; sep = "; " }' "$out")."
    echo
    local onoff_tcp onoff_unix tcp_nginx unix_nginx itk
    onoff_tcp=$(awk '/impersonation on \/ off, tcp/ { print $6 }' "$out")
    onoff_unix=$(awk '/impersonation on \/ off, tcp/ { print $8 }' "$out")
    tcp_nginx=$(awk '/fsd tcp \/ nginx tcp/ { print $6 }' "$out")
    unix_nginx=$(awk '/fsd unix \/ nginx tcp +[0-9]/ { print $6 }' "$out")
    itk=$(awk '/fsd tcp \/ apache mpm-itk/ { print $6 }' "$out")
    echo "| ratio (median of the per-round ratios) | result | goal (issue 12) |"
    echo "|---|---:|---|"
    echo "| impersonation on / off, TCP | $onoff_tcp | $(goal_ge "$onoff_tcp" 0.90 "") |"
    echo "| impersonation on / off, Unix socket | $onoff_unix | $(goal_ge "$onoff_unix" 0.90 "") |"
    echo "| ntsec-fsd TCP / nginx TCP | $tcp_nginx | $(goal_ge "$tcp_nginx" 0.8 "") |"
    echo "| ntsec-fsd Unix socket / nginx TCP | $unix_nginx | $(goal_ge "$unix_nginx" 1.5 "") |"
    echo "| ntsec-fsd TCP / Apache mpm-itk per user | $itk | $(goal_ge "$itk" 3 "") |"
    echo
    echo "What bounds them, in the same run (no goals):"
    echo
    echo "| ratio | result |"
    echo "|---|---:|"
    echo "| ntsec-fsd Unix socket / nginx TCP, both measured with h2load | $(awk '/fsd unix \/ nginx tcp, both h2load/ { print $8 }' "$out") |"
    echo "| ntsec-fsd / bare libmicrohttpd, TCP | $(awk '/fsd \/ bare libmicrohttpd/ { print $6 }' "$out") |"
    echo "| ntsec-fsd / bare libmicrohttpd, Unix socket | $(awk '/fsd \/ bare libmicrohttpd/ { print $8 }' "$out") |"
    echo "| bare libmicrohttpd / nginx, TCP | $(awk '/bare libmicrohttpd \/ nginx tcp/ { print $7 }' "$out") |"
    echo "| bare libmicrohttpd Unix socket / nginx TCP | $(awk '/bare libmicrohttpd \/ nginx tcp/ { print $9 }' "$out") |"
    echo "| bare libmicrohttpd + per-request uid switch / nginx, TCP | $(awk '/bare libmicrohttpd \/ nginx tcp/ { print $15 }' "$out") |"
    echo
    echo "Same run:"
    echo
    grep -E '^(impersonation-on instance|PROPFIND|PUT)' "$out" | sed 's/^/- /'
    echo "- memory, RSS per connection (100 connections held; server RSS and threads before -> after):"
    grep -E 'KiB RSS per connection' "$out" | sed -E 's/^(.*[^ ]) +([0-9]+ KiB RSS per connection)/  - \1: \2/'
    echo
    echo "The reliability run (\`bench/fsd_soak.sh\`: 200 connections from 4 users for 60 s, every"
    echo "response checked for its identity) is recorded in docs/fsd.md \"Reliability\"."
}
