
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'haul' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'haul'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'haul' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install one or more tools, concurrently')
            [CompletionResult]::new('i', 'i', [CompletionResultType]::ParameterValue, 'Install one or more tools, concurrently')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove tools: their files, their links in the bin dir and their records')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove tools: their files, their links in the bin dir and their records')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove tools: their files, their links in the bin dir and their records')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List installed tools')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List installed tools')
            [CompletionResult]::new('outdated', 'outdated', [CompletionResultType]::ParameterValue, 'Installed tools with a newer release (exit 10 with --exit-code when there is one)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Move tools to the newest release their requirement allows (all when none is named)')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Move tools to the newest release their requirement allows (all when none is named)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Make the previously active version of a tool active again')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a version of a tool, installing it into the store first if needed, without changing the active one')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove stored versions that are not active, and cached downloads of versions no longer stored')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The download cache')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show where a tool comes from and which asset haul would pick on every platform')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search the built-in catalog (every tool when no word is given)')
            [CompletionResult]::new('s', 's', [CompletionResultType]::ParameterValue, 'Search the built-in catalog (every tool when no word is given)')
            [CompletionResult]::new('which', 'which', [CompletionResultType]::ParameterValue, 'Print the path of an installed tool''s executable (exit 1 when it is not installed)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print a shell snippet that puts haul''s bin dir on PATH')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('self', 'self', [CompletionResultType]::ParameterValue, 'Manage haul itself')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show how haul is installed and what is wrong with the setup (exit 1 when something is)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;install' {
            [CompletionResult]::new('--asset', '--asset', [CompletionResultType]::ParameterName, 'Pick the asset whose name matches this regular expression instead of choosing automatically')
            [CompletionResult]::new('--bin', '--bin', [CompletionResultType]::ParameterName, 'The executable to install from the release (repeatable), as NAME or NAME=LINK to link it under another name; also tells haul which tool of a release that ships several is wanted')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Install for another platform: a name such as linux-aarch64 or a Rust target triple')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--pre', '--pre', [CompletionResultType]::ParameterName, 'Install prereleases too (an exact tag always may name one)')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'Refuse to install anything that no checksum covers')
            [CompletionResult]::new('--no-require-checksum', '--no-require-checksum', [CompletionResultType]::ParameterName, 'Accept downloads no checksum covers, even when the config requires checksums')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;i' {
            [CompletionResult]::new('--asset', '--asset', [CompletionResultType]::ParameterName, 'Pick the asset whose name matches this regular expression instead of choosing automatically')
            [CompletionResult]::new('--bin', '--bin', [CompletionResultType]::ParameterName, 'The executable to install from the release (repeatable), as NAME or NAME=LINK to link it under another name; also tells haul which tool of a release that ships several is wanted')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Install for another platform: a name such as linux-aarch64 or a Rust target triple')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--pre', '--pre', [CompletionResultType]::ParameterName, 'Install prereleases too (an exact tag always may name one)')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'Refuse to install anything that no checksum covers')
            [CompletionResult]::new('--no-require-checksum', '--no-require-checksum', [CompletionResultType]::ParameterName, 'Accept downloads no checksum covers, even when the config requires checksums')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Reinstall even when that version is installed, replace another tool of the same name, and replace files in the bin dir that haul did not create')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;uninstall' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;rm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;remove' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove a version even when it is the active one (the previous one becomes active)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every stored version, not only the active one of each tool')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every stored version, not only the active one of each tool')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the list as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;ls' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Every stored version, not only the active one of each tool')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every stored version, not only the active one of each tool')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the list as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;outdated' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many tools to check at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many tools to check at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 10 when a tool is outdated (0 when none is)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;upgrade' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Move to the newest release whatever the requirement, and record `latest` as the new one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only print what would change')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'Refuse to install anything that no checksum covers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;up' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many tools to download at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--latest', '--latest', [CompletionResultType]::ParameterName, 'Move to the newest release whatever the requirement, and record `latest` as the new one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only print what would change')
            [CompletionResult]::new('--require-checksum', '--require-checksum', [CompletionResultType]::ParameterName, 'Refuse to install anything that no checksum covers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;rollback' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;exec' {
            [CompletionResult]::new('--bin', '--bin', [CompletionResultType]::ParameterName, 'The executable to run, for tools that have several')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;prune' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be removed, with sizes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;cache' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('dir', 'dir', [CompletionResultType]::ParameterValue, 'Print the cache''s path')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Empty the cache, except the downloads of stored versions (`--all`: those too)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;cache;dir' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;cache;clean' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove the downloads of stored versions too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;cache;help' {
            [CompletionResult]::new('dir', 'dir', [CompletionResultType]::ParameterValue, 'Print the cache''s path')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Empty the cache, except the downloads of stored versions (`--all`: those too)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;cache;help;dir' {
            break
        }
        'haul;cache;help;clean' {
            break
        }
        'haul;cache;help;help' {
            break
        }
        'haul;info' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Show the pick for this platform only (a name or a Rust target triple)')
            [CompletionResult]::new('--asset', '--asset', [CompletionResultType]::ParameterName, 'Pick the asset whose name matches this regular expression')
            [CompletionResult]::new('--bin', '--bin', [CompletionResultType]::ParameterName, 'The executable wanted, for releases that ship several tools')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--pre', '--pre', [CompletionResultType]::ParameterName, 'Consider prereleases too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;search' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;s' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;which' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;env' {
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'The shell to print for (default: from $SHELL, or PowerShell on Windows)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;self' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace this haul with the newest release (or `--version`), verified, in place')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;self;update' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Move to this release (0.3.1, v0.3.1 or 0.3 for the newest 0.3.x), even an older one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Only say whether a newer release exists: exit 0 when up to date, 10 when there is one')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before replacing haul (haul never asks when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before replacing haul (haul never asks when stdin is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;self;help' {
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace this haul with the newest release (or `--version`), verified, in place')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;self;help;update' {
            break
        }
        'haul;self;help;help' {
            break
        }
        'haul;doctor' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr')
            [CompletionResult]::new('--bin-dir', '--bin-dir', [CompletionResultType]::ParameterName, 'Directory that holds the links to installed tools (put it on PATH)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Repair what can be repaired: half-done changes, broken links, versions whose files are gone, damaged records, leftovers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more about what haul does (each request, each choice)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never use the network: installs come from the download cache or fail at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'haul;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install one or more tools, concurrently')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove tools: their files, their links in the bin dir and their records')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List installed tools')
            [CompletionResult]::new('outdated', 'outdated', [CompletionResultType]::ParameterValue, 'Installed tools with a newer release (exit 10 with --exit-code when there is one)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Move tools to the newest release their requirement allows (all when none is named)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Make the previously active version of a tool active again')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a version of a tool, installing it into the store first if needed, without changing the active one')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove stored versions that are not active, and cached downloads of versions no longer stored')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The download cache')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show where a tool comes from and which asset haul would pick on every platform')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search the built-in catalog (every tool when no word is given)')
            [CompletionResult]::new('which', 'which', [CompletionResultType]::ParameterValue, 'Print the path of an installed tool''s executable (exit 1 when it is not installed)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print a shell snippet that puts haul''s bin dir on PATH')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('self', 'self', [CompletionResultType]::ParameterValue, 'Manage haul itself')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show how haul is installed and what is wrong with the setup (exit 1 when something is)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'haul;help;install' {
            break
        }
        'haul;help;uninstall' {
            break
        }
        'haul;help;list' {
            break
        }
        'haul;help;outdated' {
            break
        }
        'haul;help;upgrade' {
            break
        }
        'haul;help;rollback' {
            break
        }
        'haul;help;exec' {
            break
        }
        'haul;help;prune' {
            break
        }
        'haul;help;cache' {
            [CompletionResult]::new('dir', 'dir', [CompletionResultType]::ParameterValue, 'Print the cache''s path')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Empty the cache, except the downloads of stored versions (`--all`: those too)')
            break
        }
        'haul;help;cache;dir' {
            break
        }
        'haul;help;cache;clean' {
            break
        }
        'haul;help;info' {
            break
        }
        'haul;help;search' {
            break
        }
        'haul;help;which' {
            break
        }
        'haul;help;env' {
            break
        }
        'haul;help;completions' {
            break
        }
        'haul;help;self' {
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace this haul with the newest release (or `--version`), verified, in place')
            break
        }
        'haul;help;self;update' {
            break
        }
        'haul;help;doctor' {
            break
        }
        'haul;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
