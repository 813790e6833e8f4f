# bench/report/conditions.sh - section "conditions" of docs/BENCHMARKS.md (sourced by
# bench/report.sh): conditional ACEs with claims against the same DACL without conditions
# (issue 16 "Performance"), in instructions per check.

section_conditions() {
    run_note conditions
    local plain twin cond
    plain=$(instr bench_accesscheck --once 20x100)
    twin=$(instr bench_accesscheck --once 20x100p)
    cond=$(instr bench_accesscheck --once 20x100c)
    cat <<EOF
## Conditional ACEs with claims (bench/bench_accesscheck.c, cases \`c\` and \`p\`)

Case \`20x100c\`: the 20-ACE DACL against a 100-group token of the access-check section, but
ACEs 2, 5, 8, 11 and 14 are allow-callback ACEs for a group the token holds, with the
condition \`(Member_of {that group} && @User.dept == "Sales")\`, and the token carries the
claim \`("dept",TS,0x0,"Sales")\`: each condition is evaluated (TRUE) and grants
\`FILE_WRITE_DATA\`, so the walk still goes on to the last ACE. Case \`20x100p\` is the same
DACL with plain allow ACEs in those places (the twin without conditions); \`20x100\` is the
unchanged plain case. Instructions per check, callgrind, N = $CALLS (\`bash bench/instructions.sh
BUILD $CALLS\` prints the same rows):

| case | command | instructions per check |
|---|---|---:|
| 20 × 100, plain | \`bench_accesscheck --once 20x100 N\` | $(thousands "$plain") |
| 20 × 100, 5 plain twins | \`bench_accesscheck --once 20x100p N\` | $(thousands "$twin") |
| 20 × 100, 5 conditional | \`bench_accesscheck --once 20x100c N\` | $(thousands "$cond") |

Conditional vs the same DACL without conditions: $(ratio "$cond" "$twin")×, goal $(goal_le "$(ratio "$cond" "$twin")" 3 ×).
Where the conditional cost goes: each expression is decoded once per check, by the inline
decoder, while it is evaluated (\`SepCondEvaluate\`; \`RtlpCondValidate\` runs only on the
error path); operators skip the decoder, operands are 32-byte records on the C stack, and
\`@User.x == "v"\` with a one-valued string claim is decided without measuring the claim
(docs/conditions.md "Cost of an evaluation"). What remains per condition (callgrind_annotate
of \`--once 20x100c 1001\`) is mostly the full SID-index probe of \`Member_of\`, the claim
lookup by name (\`SepFindClaim\`), decoding the three operands and the loop itself.

EOF
}
