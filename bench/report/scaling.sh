# bench/report/scaling.sh - section "scaling" of docs/BENCHMARKS.md (sourced by
# bench/report.sh): the scaling axes of issue 15 §4 not covered by the access-check grid -
# live tokens and client contexts up to 100,000, and 1 and 2 threads (bench/bench_scaling.c).

SC_LIVE=(0 1000 10000 100000)
SC_OPS=(create check client)

section_scaling() {
    run_note scaling
    cat <<'EOF'
## Scaling axes (bench/bench_scaling.c; issue 15 §4)

Where each axis of issue 15 §4 is measured: token groups 10 / 100 / 1,000 / 4,096 and ACEs
5 / 20 / 100 / 1,000 in the access-check grid and the token-build rows above (section
accesscheck); live tokens and client contexts up to 100,000 and threads 1 / 2 here.

### Live objects

Each operation is measured with 0, 1,000, 10,000 and 100,000 tokens alive (for the client
rows: that many `SECURITY_CLIENT_CONTEXT`s, each holding a token copy): creating and deleting
one more 10-group token from its text form, a `SeAccessCheck` of 20 ACEs against a 10-group
token, and `SeCreateClientSecurity` (static tracking, a token copy) + `SeDeleteClientSecurity`.
Instructions: `valgrind --tool=callgrind --instr-atstart=no bench_scaling --once OP LIVE N`,
N = 1 and N = 1 + CALLS; the benchmark instruments only the N operations (callgrind's client
requests), not the making of the live objects. Goal (issue 15 §4, "worst cases are not much
worse than typical ones"): with 100,000 alive, at most 2× the instructions with none.

EOF
    echo "| operation | live | instructions | vs 0 live | ns/op min / median / max | goal |"
    echo "|---|---:|---:|---:|---:|---|"
    NTSEC_BENCH_SECONDS=0.4 NTSEC_BENCH_ROUNDS=10 run_bench "$TMP/sc.txt" bench_scaling || true
    local op live n base name goal
    for op in "${SC_OPS[@]}"; do
        base=""
        for live in "${SC_LIVE[@]}"; do
            n=$(INSTR_OPTS=--instr-atstart=no instr bench_scaling --once "$op" "$live")
            [[ -z $base ]] && base=$n
            case $op in
            create) name="create + delete a token (10 groups)" ;;
            check) name="SeAccessCheck 20 ACEs x 10 groups" ;;
            client) name="SeCreateClientSecurity (static) + SeDeleteClientSecurity" ;;
            esac
            goal=""
            [[ $live == 100000 ]] && goal=$(goal_le "$(ratio "$n" "$base")" 2 ×)
            echo "| $name | $(thousands "$live") | $(thousands "$n") | $(ratio "$n" "$base")× | $(alt_field "$TMP/sc.txt" "$name, $live live" 2) | $goal |"
        done
    done
    echo
    echo "ns figures: \`NTSEC_BENCH_SECONDS=0.4 NTSEC_BENCH_ROUNDS=10 $BUILD/bench_scaling\` (10 bursts of"
    echo "the operation; min / median / max). Load average at the end of the rows: $(loadavg)."
    cat <<'EOF'

### Threads

`SeAccessCheck` (20 ACEs × 10 groups) throughput on 1 and on 2 threads, in rounds that
alternate the two (10 rounds; millions of checks per second, min / median / max, and the
per-round ratio), with both threads on one token and descriptor (a shared token's lock word
is written by every check: `pthread_rwlock_rdlock`) and each on its own token. There is no
instruction count for this axis (the cost is cache-line traffic, not instructions), and on
this 2-core machine shared with other builds a second thread rarely has a core of its own:
read the ratios with the load average beside them. The impersonation pair's 1 / 2 thread rows
belong to the impersonation section (issue 15 §2).

EOF
    echo "| benchmark | 1 thread | 2 threads | 2 / 1 |"
    echo "|---|---:|---:|---:|"
    local row
    for row in "threads on one token and descriptor" "threads on their own tokens"; do
        echo "| $row | $(alt_field "$TMP/sc.txt" "$row" 2) | $(alt_field "$TMP/sc.txt" "$row" 3) | $(alt_field "$TMP/sc.txt" "$row" 4) |"
    done
    echo
    echo "Load average at the end: $(loadavg)."
}
