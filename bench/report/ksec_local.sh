# bench/report/ksec_local.sh - section "ksec_local" of docs/BENCHMARKS.md (sourced by
# bench/report.sh): the ntsec-local SSPI package (bench/bench_ksec_local.c) in alternating
# bursts against the kernel's part, instructions per operation, heap per live context.
# Goals (issue 11): accept <= 20 us and >= 50,000 accepts/s on one core.

KL_ROWS=("AcceptSecurityContext+DeleteSecurityContext|accept"
    "InitializeSecurityContextW+DeleteSecurityContext|init"
    "EncryptMessage+DecryptMessage 64 B|seal64"
    "EncryptMessage+DecryptMessage 4096 B|seal4k")

section_ksec_local() {
    run_note ksec_local
    cat <<'EOF2'
## SSPI ntsec-local (bench/bench_ksec_local.c)

`AcceptSecurityContext` of one 80-byte client request on a socketpair — parse the message,
`SO_PEERCRED` + `SO_PEERGROUPS` + `SO_PEERPIDFD`, build the token, make and then delete the
context — against the kernel's part alone (the three `getsockopt` calls and closing the
pidfd), in alternating bursts. Also the client's leg (`InitializeSecurityContextW`: two
`getrandom` keys, the message, a context) and a seal/unseal round trip (`EncryptMessage` +
`DecryptMessage`, AES-256-GCM from libcrypto), each against the same kernel baseline, and the
heap per live server context (`mallinfo2` over 1000 live contexts). Goals (issue 11): accept
≤ 20 µs and ≥ 50,000 accepts/s on one core; the other rows have none (recorded figures).

EOF2
    local secs=${NTSEC_BENCH_SECONDS:-0.3} rounds=${NTSEC_BENCH_ROUNDS:-10}
    echo "    NTSEC_BENCH_SECONDS=$secs NTSEC_BENCH_ROUNDS=$rounds $BUILD/bench_ksec_local"
    echo
    local out=$TMP/ksec_local.txt
    NTSEC_BENCH_SECONDS=$secs NTSEC_BENCH_ROUNDS=$rounds run_bench "$out" bench_ksec_local ||
        { echo "(bench_ksec_local failed)"; return; }
    local facts
    facts=$(instr bench_ksec_local --once facts)
    echo "| row | ns/op min / median / max | baseline | baseline ns/op min / median / max | ratio min / median / max | instructions (callgrind) | goal |"
    echo "|---|---:|---|---:|---:|---:|---|"
    local entry row mode ns goal
    for entry in "${KL_ROWS[@]}"; do
        row=${entry%%|*} mode=${entry##*|}
        ns=$(alt_field "$out" "$row" 2)
        goal="no goal (recorded)"
        if [[ $mode == accept ]]; then
            local med
            med=$(median_of "$ns")
            goal="median $(goal_le "$(ratio "$med" 1000)" 20 " µs"); $(goal_ge "$(ratio 1e9 "$med" 0)" 50000 " accepts/s")"
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$row" "$ns" "$(alt_field "$out" "$row" 3)" \
            "$(alt_field "$out" "$row" 4)" "$(alt_field "$out" "$row" 5)" \
            "$(thousands "$(instr bench_ksec_local --once "$mode")")" "$goal"
    done
    echo
    echo "Instructions: \`bench_ksec_local --once MODE N\` (MODE accept, init, seal64, seal4k) under"
    echo "callgrind, user space only: the kernel's part of the baseline (\`--once facts\`) is"
    echo "$(thousands "$facts") user-space instructions per call, the rest of its cost is in the kernel."
    echo
    grep '^  memory per live server context' "$out" | sed 's/^  /**/; s/$/**/'
    cat <<'EOF2'

The pidfd counts against `RLIMIT_NOFILE`; the two GCM cipher contexts are made on a
context's first message (one keyed context per direction, kept for the context's life) and
are not in that figure.
EOF2
    echo
    echo "Load average at the end of the section: $(loadavg)."
}
