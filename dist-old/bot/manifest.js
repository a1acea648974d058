export const MANIFEST_PATH = 'slack/manifest.json';
export function slackManifest(ops) {
    return {
        _metadata: { major_version: 1, minor_version: 1 },
        display_information: {
            name: 'storage-ops',
            description: 'Docker storage operations: disk reports, volumes, backups and restores, with approvals before anything is deleted',
            background_color: '#2c3e50',
        },
        features: {
            app_home: { home_tab_enabled: true, messages_tab_enabled: false, messages_tab_read_only_enabled: false },
            bot_user: { display_name: 'storage-ops', always_online: true },
            slash_commands: [
                {
                    command: '/storage',
                    description: 'Docker storage: report, volumes, backup, restore, prune (with approval), help',
                    usage_hint: `help | ${ops.map((o) => o.verb).join(' | ')}`,
                    should_escape: false,
                },
            ],
        },
        oauth_config: {
            scopes: {
                // commands: /storage; chat:write: answers, approval requests, job progress; files:write: full
                // tables and charts; usergroups:read: roles granted to user groups.
                bot: ['commands', 'chat:write', 'files:write', 'usergroups:read'],
            },
        },
        settings: {
            event_subscriptions: { bot_events: ['app_home_opened'] },
            interactivity: { is_enabled: true },
            org_deploy_enabled: false,
            socket_mode_enabled: true,
            token_rotation_enabled: false,
        },
    };
}
export function slackManifestJson(ops) {
    return JSON.stringify(slackManifest(ops), null, 2) + '\n';
}
//# sourceMappingURL=manifest.js.map