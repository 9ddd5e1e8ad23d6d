# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_haul_global_optspecs
    string join \n q/quiet v/verbose color= bin-dir= offline h/help V/version
end

function __fish_haul_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_haul_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_haul_using_subcommand
    set -l cmd (__fish_haul_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c haul -n "__fish_haul_needs_command" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_needs_command" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_needs_command" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_needs_command" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_needs_command" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_needs_command" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_needs_command" -s V -l version -d 'Print version'
complete -c haul -n "__fish_haul_needs_command" -f -a "install" -d 'Install one or more tools, concurrently'
complete -c haul -n "__fish_haul_needs_command" -f -a "i" -d 'Install one or more tools, concurrently'
complete -c haul -n "__fish_haul_needs_command" -f -a "uninstall" -d 'Remove tools: their files, their links in the bin dir and their records'
complete -c haul -n "__fish_haul_needs_command" -f -a "rm" -d 'Remove tools: their files, their links in the bin dir and their records'
complete -c haul -n "__fish_haul_needs_command" -f -a "remove" -d 'Remove tools: their files, their links in the bin dir and their records'
complete -c haul -n "__fish_haul_needs_command" -f -a "list" -d 'List installed tools'
complete -c haul -n "__fish_haul_needs_command" -f -a "ls" -d 'List installed tools'
complete -c haul -n "__fish_haul_needs_command" -f -a "outdated" -d 'Installed tools with a newer release (exit 10 with --exit-code when there is one)'
complete -c haul -n "__fish_haul_needs_command" -f -a "upgrade" -d 'Move tools to the newest release their requirement allows (all when none is named)'
complete -c haul -n "__fish_haul_needs_command" -f -a "up" -d 'Move tools to the newest release their requirement allows (all when none is named)'
complete -c haul -n "__fish_haul_needs_command" -f -a "rollback" -d 'Make the previously active version of a tool active again'
complete -c haul -n "__fish_haul_needs_command" -f -a "exec" -d 'Run a version of a tool, installing it into the store first if needed, without changing the active one'
complete -c haul -n "__fish_haul_needs_command" -f -a "prune" -d 'Remove stored versions that are not active, and cached downloads of versions no longer stored'
complete -c haul -n "__fish_haul_needs_command" -f -a "cache" -d 'The download cache'
complete -c haul -n "__fish_haul_needs_command" -f -a "info" -d 'Show where a tool comes from and which asset haul would pick on every platform'
complete -c haul -n "__fish_haul_needs_command" -f -a "search" -d 'Search the built-in catalog (every tool when no word is given)'
complete -c haul -n "__fish_haul_needs_command" -f -a "s" -d 'Search the built-in catalog (every tool when no word is given)'
complete -c haul -n "__fish_haul_needs_command" -f -a "which" -d 'Print the path of an installed tool\'s executable (exit 1 when it is not installed)'
complete -c haul -n "__fish_haul_needs_command" -f -a "env" -d 'Print a shell snippet that puts haul\'s bin dir on PATH'
complete -c haul -n "__fish_haul_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c haul -n "__fish_haul_needs_command" -f -a "self" -d 'Manage haul itself'
complete -c haul -n "__fish_haul_needs_command" -f -a "doctor" -d 'Show how haul is installed and what is wrong with the setup (exit 1 when something is)'
complete -c haul -n "__fish_haul_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand install" -l asset -d 'Pick the asset whose name matches this regular expression instead of choosing automatically' -r
complete -c haul -n "__fish_haul_using_subcommand install" -l bin -d 'The executable to install from the release (repeatable), as NAME or NAME=LINK to link it under another name; also tells haul which tool of a release that ships several is wanted' -r
complete -c haul -n "__fish_haul_using_subcommand install" -l target -d 'Install for another platform: a name such as linux-aarch64 or a Rust target triple' -r
complete -c haul -n "__fish_haul_using_subcommand install" -s j -l jobs -d 'How many tools to download at once' -r
complete -c haul -n "__fish_haul_using_subcommand install" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand install" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand install" -l pre -d 'Install prereleases too (an exact tag always may name one)'
complete -c haul -n "__fish_haul_using_subcommand install" -l require-checksum -d 'Refuse to install anything that no checksum covers'
complete -c haul -n "__fish_haul_using_subcommand install" -l no-require-checksum -d 'Accept downloads no checksum covers, even when the config requires checksums'
complete -c haul -n "__fish_haul_using_subcommand install" -s f -l force -d 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create'
complete -c haul -n "__fish_haul_using_subcommand install" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand install" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand install" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand install" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand install" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand i" -l asset -d 'Pick the asset whose name matches this regular expression instead of choosing automatically' -r
complete -c haul -n "__fish_haul_using_subcommand i" -l bin -d 'The executable to install from the release (repeatable), as NAME or NAME=LINK to link it under another name; also tells haul which tool of a release that ships several is wanted' -r
complete -c haul -n "__fish_haul_using_subcommand i" -l target -d 'Install for another platform: a name such as linux-aarch64 or a Rust target triple' -r
complete -c haul -n "__fish_haul_using_subcommand i" -s j -l jobs -d 'How many tools to download at once' -r
complete -c haul -n "__fish_haul_using_subcommand i" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand i" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand i" -l pre -d 'Install prereleases too (an exact tag always may name one)'
complete -c haul -n "__fish_haul_using_subcommand i" -l require-checksum -d 'Refuse to install anything that no checksum covers'
complete -c haul -n "__fish_haul_using_subcommand i" -l no-require-checksum -d 'Accept downloads no checksum covers, even when the config requires checksums'
complete -c haul -n "__fish_haul_using_subcommand i" -s f -l force -d 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create'
complete -c haul -n "__fish_haul_using_subcommand i" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand i" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand i" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand i" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand i" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand uninstall" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand uninstall" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand uninstall" -s f -l force -d 'Remove a version even when it is the active one (the previous one becomes active)'
complete -c haul -n "__fish_haul_using_subcommand uninstall" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand uninstall" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand uninstall" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand rm" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand rm" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand rm" -s f -l force -d 'Remove a version even when it is the active one (the previous one becomes active)'
complete -c haul -n "__fish_haul_using_subcommand rm" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand rm" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand rm" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand rm" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand remove" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand remove" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand remove" -s f -l force -d 'Remove a version even when it is the active one (the previous one becomes active)'
complete -c haul -n "__fish_haul_using_subcommand remove" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand remove" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand remove" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand remove" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand list" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand list" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand list" -s a -l all -d 'Every stored version, not only the active one of each tool'
complete -c haul -n "__fish_haul_using_subcommand list" -l json -d 'Print the list as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand list" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand list" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand list" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand list" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand ls" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand ls" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand ls" -s a -l all -d 'Every stored version, not only the active one of each tool'
complete -c haul -n "__fish_haul_using_subcommand ls" -l json -d 'Print the list as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand ls" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand ls" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand ls" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand ls" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand outdated" -s j -l jobs -d 'How many tools to check at once' -r
complete -c haul -n "__fish_haul_using_subcommand outdated" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand outdated" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand outdated" -l exit-code -d 'Exit 10 when a tool is outdated (0 when none is)'
complete -c haul -n "__fish_haul_using_subcommand outdated" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand outdated" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand outdated" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand outdated" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand outdated" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -s j -l jobs -d 'How many tools to download at once' -r
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l latest -d 'Move to the newest release whatever the requirement, and record `latest` as the new one'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l dry-run -d 'Only print what would change'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l require-checksum -d 'Refuse to install anything that no checksum covers'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand up" -s j -l jobs -d 'How many tools to download at once' -r
complete -c haul -n "__fish_haul_using_subcommand up" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand up" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand up" -l latest -d 'Move to the newest release whatever the requirement, and record `latest` as the new one'
complete -c haul -n "__fish_haul_using_subcommand up" -l dry-run -d 'Only print what would change'
complete -c haul -n "__fish_haul_using_subcommand up" -l require-checksum -d 'Refuse to install anything that no checksum covers'
complete -c haul -n "__fish_haul_using_subcommand up" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand up" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand up" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand up" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand up" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand rollback" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand rollback" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand rollback" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand rollback" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand rollback" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand exec" -l bin -d 'The executable to run, for tools that have several' -r
complete -c haul -n "__fish_haul_using_subcommand exec" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand exec" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand exec" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand exec" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand exec" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand exec" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand prune" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand prune" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand prune" -l dry-run -d 'Only list what would be removed, with sizes'
complete -c haul -n "__fish_haul_using_subcommand prune" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand prune" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand prune" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand prune" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand prune" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "dir" -d 'Print the cache\'s path'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "clean" -d 'Empty the cache, except the downloads of stored versions (`--all`: those too)'
complete -c haul -n "__fish_haul_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from dir" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -l all -d 'Remove the downloads of stored versions too'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "dir" -d 'Print the cache\'s path'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Empty the cache, except the downloads of stored versions (`--all`: those too)'
complete -c haul -n "__fish_haul_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand info" -l target -d 'Show the pick for this platform only (a name or a Rust target triple)' -r
complete -c haul -n "__fish_haul_using_subcommand info" -l asset -d 'Pick the asset whose name matches this regular expression' -r
complete -c haul -n "__fish_haul_using_subcommand info" -l bin -d 'The executable wanted, for releases that ship several tools' -r
complete -c haul -n "__fish_haul_using_subcommand info" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand info" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand info" -l pre -d 'Consider prereleases too'
complete -c haul -n "__fish_haul_using_subcommand info" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand info" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand info" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand info" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand info" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand search" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand search" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand search" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand search" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand search" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand search" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand search" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand s" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand s" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand s" -l json -d 'Print the result as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand s" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand s" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand s" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand s" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand which" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand which" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand which" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand which" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand which" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand which" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand env" -l shell -d 'The shell to print for (default: from $SHELL, or PowerShell on Windows)' -r -f -a "sh\t''
bash\t''
zsh\t''
ksh\t''
dash\t''
fish\t''
nu\t''
tcsh\t''
csh\t''
powershell\t''"
complete -c haul -n "__fish_haul_using_subcommand env" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand env" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand env" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand env" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand env" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand env" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand completions" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand completions" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand completions" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand completions" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand completions" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand completions" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -f -a "update" -d 'Replace this haul with the newest release (or `--version`), verified, in place'
complete -c haul -n "__fish_haul_using_subcommand self; and not __fish_seen_subcommand_from update help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -l version -d 'Move to this release (0.3.1, v0.3.1 or 0.3 for the newest 0.3.x), even an older one' -r
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -l check -d 'Only say whether a newer release exists: exit 0 when up to date, 10 when there is one'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -s y -l yes -d 'Do not ask before replacing haul (haul never asks when stdin is not a terminal)'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from help" -f -a "update" -d 'Replace this haul with the newest release (or `--version`), verified, in place'
complete -c haul -n "__fish_haul_using_subcommand self; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand doctor" -l color -d 'When to use colours on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c haul -n "__fish_haul_using_subcommand doctor" -l bin-dir -d 'Directory that holds the links to installed tools (put it on PATH)' -r -F
complete -c haul -n "__fish_haul_using_subcommand doctor" -l fix -d 'Repair what can be repaired: half-done changes, broken links, versions whose files are gone, damaged records, leftovers'
complete -c haul -n "__fish_haul_using_subcommand doctor" -l json -d 'Print the report as JSON on stdout'
complete -c haul -n "__fish_haul_using_subcommand doctor" -s q -l quiet -d 'Print only errors'
complete -c haul -n "__fish_haul_using_subcommand doctor" -s v -l verbose -d 'Print more about what haul does (each request, each choice)'
complete -c haul -n "__fish_haul_using_subcommand doctor" -l offline -d 'Never use the network: installs come from the download cache or fail at once'
complete -c haul -n "__fish_haul_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "install" -d 'Install one or more tools, concurrently'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "uninstall" -d 'Remove tools: their files, their links in the bin dir and their records'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "list" -d 'List installed tools'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "outdated" -d 'Installed tools with a newer release (exit 10 with --exit-code when there is one)'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "upgrade" -d 'Move tools to the newest release their requirement allows (all when none is named)'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "rollback" -d 'Make the previously active version of a tool active again'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "exec" -d 'Run a version of a tool, installing it into the store first if needed, without changing the active one'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "prune" -d 'Remove stored versions that are not active, and cached downloads of versions no longer stored'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "cache" -d 'The download cache'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "info" -d 'Show where a tool comes from and which asset haul would pick on every platform'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "search" -d 'Search the built-in catalog (every tool when no word is given)'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "which" -d 'Print the path of an installed tool\'s executable (exit 1 when it is not installed)'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "env" -d 'Print a shell snippet that puts haul\'s bin dir on PATH'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "completions" -d 'Print shell completions'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "self" -d 'Manage haul itself'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "doctor" -d 'Show how haul is installed and what is wrong with the setup (exit 1 when something is)'
complete -c haul -n "__fish_haul_using_subcommand help; and not __fish_seen_subcommand_from install uninstall list outdated upgrade rollback exec prune cache info search which env completions self doctor help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c haul -n "__fish_haul_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "dir" -d 'Print the cache\'s path'
complete -c haul -n "__fish_haul_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clean" -d 'Empty the cache, except the downloads of stored versions (`--all`: those too)'
complete -c haul -n "__fish_haul_using_subcommand help; and __fish_seen_subcommand_from self" -f -a "update" -d 'Replace this haul with the newest release (or `--version`), verified, in place'
