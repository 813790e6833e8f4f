# bash completion for ntsec (installed as share/bash-completion/completions/ntsec)
_ntsec()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "sddl token impersonate check whoami run-as assign help --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case "$prev" in
        --type) COMPREPLY=($(compgen -W "file dir key" -- "$cur")); return ;;
        --level) COMPREPLY=($(compgen -W "anonymous identification impersonation delegation" -- "$cur")); return ;;
        --policy) COMPREPLY=($(compgen -W "vista xpsp2 legacy" -- "$cur")); return ;;
        --mapping) COMPREPLY=($(compgen -W "file key" -- "$cur")); return ;;
        --via) COMPREPLY=($(compgen -W "local Kerberos Negotiate" -- "$cur")); return ;;
        --flags) COMPREPLY=($(compgen -W "auto-inherit dacl-auto-inherit sacl-auto-inherit default-owner-from-parent default-group-from-parent avoid-owner-check avoid-privilege-check macl-no-write-up macl-no-read-up macl-no-execute-up" -- "$cur")); return ;;
        --domain|--sd|--sd-hex|--token|--desired|--process|--parent|--creator|--target|--from-hex) return ;;
        help) COMPREPLY=($(compgen -W "sddl token impersonate check whoami run-as assign" -- "$cur")); return ;;
    esac
    local opts
    case "$cmd" in
        sddl) opts="--type --domain --hex --from-hex --json --help" ;;
        token) opts="--domain --json --help" ;;
        impersonate) opts="--process --token --level --policy --domain --json --help" ;;
        check) opts="--sd --sd-hex --token --desired --type --domain --explicit --explain --json --help" ;;
        whoami) opts="--all --token --via --target --json --help" ;;
        run-as)
            local i
            for ((i = 2; i < COMP_CWORD; i++)); do
                if [ "${COMP_WORDS[i]}" = "--" ]; then
                    COMPREPLY=($(compgen -c -- "$cur")); return
                fi
            done
            opts="--token --pty --no-new-privs --identification --login -l --json --help --" ;;
        assign) opts="--parent --creator --token --dir --flags --mapping --domain --explain --json --help" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _ntsec ntsec
