#!/usr/bin/env bash
# The programs under tools/ (the ntsec tool, the ntsec-fsd server) are clients of the public
# API only (issue 10 item 2): they include nothing from src/ (a quoted include names either
# a public header of include/ntsec or a file of the tool's own folder), and CMake builds them
# against include/ntsec and the shared library, never with src/ on the include path.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}
cd "$src"
bad=""
for dir in tools/*/; do
    while IFS=: read -r file line inc; do
        name=$(sed -E 's/^[^"]*"([^"]+)".*/\1/' <<<"$inc")
        [ -f "include/ntsec/$name" ] || [ -f "$dir$name" ] || bad+="$file:$line: $name"$'\n'
    done < <(grep -rnE '^#[[:space:]]*include[[:space:]]+"' "$dir" --include='*.c' --include='*.h' || true)
done
[ -z "$bad" ] || { printf 'tools_public_api: private includes in tools/:\n%s' "$bad"; exit 1; }
for t in ntsec ntsec-fsd; do
    grep -qE "target_include_directories\($t PRIVATE [^)]*CMAKE_SOURCE_DIR\}/src" CMakeLists.txt &&
        { echo "tools_public_api: $t builds with src/ on its include path"; exit 1; }
    grep -qE "target_link_libraries\($t PRIVATE ntsec_shared" CMakeLists.txt ||
        { echo "tools_public_api: $t does not link the shared library ntsec_shared"; exit 1; }
done
echo "tools_public_api: tools/ include only include/ntsec and their own files; ntsec and ntsec-fsd link ntsec_shared"
