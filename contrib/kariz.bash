# bash completion for kariz                                  -*- shell-script -*-
#
# Installed as share/bash-completion/completions/kariz; or source it from
# ~/.bashrc. Commands and their options come from kariz's own command table
# (`kariz complete commands`, `kariz complete usage CMD`), so they are those
# of the kariz being completed. Stages, lost reasons and grades come from the
# rules in force and lead ids from the database in force (`--db`, `--rules`
# on the line count, as do $KARIZ_DB and $KARIZ_RULES).

# _kariz_usage_words USAGE: the usage line as words, without [ ] and "...".
_kariz_usage_words() {
    local u=${1//[/ } a
    u=${u//]/ }
    u=${u//.../ }
    read -ra a <<<"$u"
    printf '%s\n' "${a[@]}"
}

# _kariz_path WORD: a path as typed on the line ('a b', "a b", a\ b, ~/x)
# as kariz gets it.
_kariz_path() {
    local w=$1
    case $w in
    \'*\' | \"*\") w=${w:1:${#w}-2} ;;
    *) w=${w//\\/} ;;
    esac
    printf '%s' "${w/#\~/$HOME}"
}

# _kariz_placeholder WORD CUR: completes one placeholder of a usage line.
_kariz_placeholder() {
    local ph=$1 cur=$2
    case $ph in
    ID) _kariz_data ids "$cur" ;;
    STAGE | S) _kariz_data stages "$cur" ;;
    REASON) _kariz_data reasons "$cur" ;;
    G) _kariz_data grades "$cur" ;;
    KEY) _kariz_words "score value age due name id" "$cur" ;;
    U | USER) _kariz_words "$(compgen -u)" "$cur" ;;
    'USER|-') _kariz_words "$(compgen -u) -" "$cur" ;;
    FILE*)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    *[a-z]*'|'*) _kariz_words "${ph//|/ }" "$cur" ;; # table|csv|json
    esac
}

# _kariz_words WORDS CUR: the words that start with CUR.
_kariz_words() {
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# _kariz_data WHAT CUR: words from `kariz complete WHAT`, one a line (lost
# reasons and stage names are simple keys; each is quoted for the line all the same).
_kariz_data() {
    local w arg=
    [ "$1" = ids ] && arg=$2
    COMPREPLY=()
    while IFS= read -r w; do
        [[ $w == "$2"* ]] && COMPREPLY+=("$(printf '%q' "$w")")
    done < <("${_kariz_cmd[@]}" complete "$1" ${arg:+"$arg"} 2>/dev/null)
}

_kariz() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= i w cmd= cmdi=0
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # the kariz being completed, with the line's --db and --rules
    _kariz_cmd=("$(_kariz_path "${COMP_WORDS[0]}")")
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --db | --rules)
            # (bash splits --db=PATH into --db, =, PATH)
            [ "${COMP_WORDS[i + 1]}" = = ] && i=$((i + 1))
            ((i + 1 < COMP_CWORD)) && _kariz_cmd+=("$w" "$(_kariz_path "${COMP_WORDS[i + 1]}")")
            i=$((i + 1))
            ;;
        --db=* | --rules=*) _kariz_cmd+=("${w%%=*}" "$(_kariz_path "${w#*=}")") ;;
        -*) ;;
        *)
            cmd=$w
            cmdi=$i
            break
            ;;
        esac
    done
    local opt=$prev
    [ "$prev" = = ] && ((COMP_CWORD > 1)) && opt=${COMP_WORDS[COMP_CWORD - 2]}
    [ "$cur" = = ] && { opt=$prev; cur=; }

    if [ -z "$cmd" ]; then
        case $opt in
        --db | --rules)
            _kariz_placeholder FILE "$cur"
            return
            ;;
        esac
        if [[ $cur == -* ]]; then
            _kariz_words "--db --rules --read-only --mine --help --version" "$cur"
        else
            _kariz_words "$("${_kariz_cmd[@]}" complete commands 2>/dev/null)" "$cur"
        fi
        return
    fi

    local usage
    usage=$("${_kariz_cmd[@]}" complete usage "$cmd" 2>/dev/null) || return
    local -a uw
    mapfile -t uw < <(_kariz_usage_words "$usage")

    # the options of the usage line, and the placeholder each one takes
    local -A takes=()
    local opts="--help" n=${#uw[@]}
    for ((i = 0; i < n; i++)); do
        if [[ ${uw[i]} == --* ]]; then
            opts+=" ${uw[i]}"
            if ((i + 1 < n)) && [[ ${uw[i + 1]} != --* && ${uw[i + 1]} != '|' ]]; then
                takes[${uw[i]}]=${uw[i + 1]}
            fi
        fi
    done
    if [[ $opt == --* && -n ${takes[$opt]+x} ]]; then
        _kariz_placeholder "${takes[$opt]}" "$cur"
        return
    fi
    if [[ $cur == -* ]]; then
        _kariz_words "$opts" "$cur"
        return
    fi

    # the positional arguments before this one (options and values skipped)
    local pos=() skip=0
    for ((i = cmdi + 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((skip)); then
            skip=0
            [ "$w" = = ] && skip=1
        elif [[ $w == --* ]]; then
            [ -n "${takes[$w]+x}" ] && skip=1
        elif [ "$w" != = ]; then
            pos+=("$w")
        fi
    done

    # the positional placeholders: words before the first option; a line of
    # alternatives ("path | check FILE | diff FILE") picks by its first word
    local -a ph=()
    for ((i = 0; i < n; i++)); do
        [[ ${uw[i]} == --* ]] && break
        ph+=("${uw[i]}")
    done
    if [[ " ${ph[*]} " == *" | "* ]]; then
        local subs= alt=() chosen=
        local -a cur_alt=()
        for w in "${ph[@]}" '|'; do
            if [ "$w" = '|' ]; then
                subs+=" ${cur_alt[0]}"
                [ "${cur_alt[0]}" = "${pos[0]:-}" ] && alt=("${cur_alt[@]}") && chosen=1
                cur_alt=()
            else
                cur_alt+=("$w")
            fi
        done
        if ((${#pos[@]} == 0)); then
            _kariz_words "$subs" "$cur"
        elif [ -n "$chosen" ] && ((${#pos[@]} < ${#alt[@]})); then
            _kariz_placeholder "${alt[${#pos[@]}]}" "$cur"
        fi
        return
    fi
    ((${#pos[@]} < ${#ph[@]})) && _kariz_placeholder "${ph[${#pos[@]}]}" "$cur"
}
complete -F _kariz kariz
