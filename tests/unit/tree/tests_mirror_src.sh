#!/usr/bin/env bash
# Tests mirror the source (issue 10 item 5, docs/testing.md "Layout"): nothing lies flat in
# tests/unit/ (a test_*.c there would still be registered, under the label "unit" alone), and
# every folder of tests/unit/ is a component of src/ or one of api, cli, tree.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
fail=0
while IFS= read -r f; do
    echo "FAIL: tests/unit/$(basename "$f") lies flat in tests/unit/: move it to" \
         "tests/unit/<component>/ (the folder of src/<component>/ it tests; api/, cli/ or tree/" \
         "otherwise) and name it test_<file>_<topic>.c" >&2
    fail=1
done < <(find "$src/tests/unit" -mindepth 1 -maxdepth 1 ! -type d | sort)
while IFS= read -r d; do
    name=$(basename "$d")
    case $name in api | cli | tree) continue ;; esac
    if [ ! -d "$src/src/$name" ]; then
        echo "FAIL: tests/unit/$name/ mirrors no src/$name/ (and is not api/, cli/ or tree/)" >&2
        fail=1
    fi
done < <(find "$src/tests/unit" -mindepth 1 -maxdepth 1 -type d | sort)
[ "$fail" = 0 ] && echo "ok: tests/unit holds only $(find "$src/tests/unit" -mindepth 1 -maxdepth 1 -type d | wc -l) component folders"
exit $fail
