# bench/report/impersonate.sh - section "impersonate" of docs/BENCHMARKS.md (sourced by
# bench/report.sh): the impersonation core (issue 15 section 2) - instructions per
# impersonate + revert pair and per capture + release (callgrind), both against the in-memory
# floor in alternating bursts, static client contexts, and 1- vs 2-thread scaling on separate
# tokens and on one shared token. Design: docs/impersonation-fastpath.md.

section_impersonate() {
    run_note impersonate
    cat <<'EOF'
## Impersonation core (bench/bench_impersonate.c)

The floor (`Baseline`): a thread-local pointer swap with an atomic increment and decrement,
the least impersonate + revert can do (2 atomic read-modify-writes). The impersonated token is
a duplicate of the host process token (same user, and the process holds
SeImpersonatePrivilege when run as root), so the rule allows it and no downgraded copy is
made: the fast path of `docs/impersonation-fastpath.md` (verifier and host backend off).

### Instructions per operation (callgrind; exact)

`bench_impersonate --once MODE N` runs N operations; the figure is (Ir(1 + N) − Ir(1)) / N,
the benchmark's loop included (as in the floor's).
EOF
    echo "Here N = $CALLS (\`bash bench/report.sh -n $CALLS impersonate\`; with N = 100 a run's start-up"
    echo "varying by a few dozen instructions moves a 10-instruction figure by one)."
    echo
    local pair cap floor
    pair=$(instr bench_impersonate --once pair)
    cap=$(instr bench_impersonate --once capture)
    floor=$(instr bench_impersonate --once floor)
    echo "| operation | command | instructions | before issue 15 §2 | goal |"
    echo "|---|---|---:|---:|---|"
    echo "| floor: TLS swap + atomic inc/dec | \`bench_impersonate --once floor N\` | $floor | 8 | |"
    echo "| \`PsImpersonateClient\` + \`PsRevertToSelf\` | \`bench_impersonate --once pair N\` | $pair | 234 | $(goal_le "$pair" 100 " instructions") |"
    echo "| \`SeCaptureSubjectContext\` + \`SeReleaseSubjectContext\` (impersonating) | \`bench_impersonate --once capture N\` | $cap | 368 | |"
    cat <<'EOF'

("Before" is the same measurement on commit a707840, the code before the fast path.) The pair
still makes 4 atomic read-modify-writes against the floor's 2 — the thread lock's exchange
and the token's reference count, on impersonate and on revert — and the floor is little more
than its 2, so 4 are about 2× the floor before any other instruction: that is the ratio
below. `docs/impersonation-fastpath.md` ("Why the owner still takes its own lock") says why
the owner thread keeps its lock (other threads write and reference a thread's impersonation
too), and gives the measured prototype without it (88 instructions, 1.72× median) and what
that asymmetric-fence design would need. The rest of the pair is the argument checks the WDK
contract requires (token type, level), the rule's inline allow and the benchmark's loop and
calls.

### Against the floor, alternating bursts

EOF
    local out=$TMP/impersonate.txt
    echo "    NTSEC_BENCH_SECONDS=${NTSEC_BENCH_SECONDS:-0.5} NTSEC_BENCH_ROUNDS=${NTSEC_BENCH_ROUNDS:-10} $BUILD/bench_impersonate"
    echo
    NTSEC_BENCH_SECONDS=${NTSEC_BENCH_SECONDS:-0.5} NTSEC_BENCH_ROUNDS=${NTSEC_BENCH_ROUNDS:-10} \
        run_bench "$out" bench_impersonate || { echo "(bench_impersonate failed)"; return; }
    echo "| row | ns/op min / median / max | floor ns/op min / median / max | ratio min / median / max | goal (median) |"
    echo "|---|---:|---:|---:|---|"
    local row r goal
    for row in "PsImpersonateClient+PsRevertToSelf" "SeCaptureSubjectContext+Release (impersonating)" \
        "SeCreateClientSecurity static, 10 groups" "SeCreateClientSecurity static, 100 groups"; do
        r=$(alt_field "$out" "$row" 5)
        case $row in
        PsImpersonate*) goal=$(goal_le "$(median_of "$r" | tr -d x)" 2.0 ×) ;;
        SeCapture*) goal=$(goal_le "$(median_of "$r" | tr -d x)" 2.5 ×) ;;
        *) goal="" ;;
        esac
        printf '| %s | %s | %s | %s | %s |\n' "$row" "$(alt_field "$out" "$row" 2)" \
            "$(alt_field "$out" "$row" 4)" "$r" "$goal"
    done
    echo
    echo "### Scaling: 1 thread vs 2 threads (pairs per second over both threads)"
    echo
    echo '```'
    grep -E '^(scaling|  1 thread|  2 threads)' "$out"
    echo '```'
    echo
    local own same ctl
    ctl=$(sed -n '/^scaling control/,/run 3)/p' "$out" |
          awk '/2 threads/ { v = $6; sub(/x/, "", v); print v }' | sort -g | awk 'NR == 2')
    own=$(sed -n '/each thread on its own token/,/run 3)/p' "$out" |
          awk '/2 threads/ { v = $6; sub(/x/, "", v); print v }' | sort -g | awk 'NR == 2')
    same=$(sed -n '/SAME token/,/run 3)/p' "$out" |
           awk '/2 threads/ { v = $6; sub(/x/, "", v); print v }' | sort -g | awk 'NR == 2')
    echo "Median of the three 2-thread runs: each thread on its own token ${own}×"
    echo "($(goal_ge "$own" 1.8 ×)); both on the same token ${same}× ($(goal_ge "$same" 1.8 ×))."
    echo "Two threads impersonating one token both write its one reference count, whose cache line"
    echo "then moves between the cores on every pair (a prototype without the count's two RMWs"
    echo "scaled 1.80–1.85× on one token); \`docs/impersonation-fastpath.md\` (\"Two threads on the"
    echo "same token\") says why no design with NT's exact counts and deletion at the last release"
    echo "avoids it (Windows has the same shared count) and which designs could. On this 2-core"
    echo "machine shared with other builds the 2-thread figures also depend on what else runs: the"
    echo "control (each thread incrementing and decrementing a counter of its own, which no code"
    echo "can make scale worse) gave ${ctl}× in the same run — below 1.8× it means the VM did not give"
    echo "the benchmark two cores, and the ntsec rows say nothing about the code either way."
}
