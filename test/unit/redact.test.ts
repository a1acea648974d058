/**
 * Credentials by shape: what redactCommand masks in command lines, URLs and option strings,
 * what it leaves alone (ports, flags, variable references, paths to secret files), and that
 * redactText/redactValue apply it everywhere.
 */
import { describe, expect, it } from 'vitest';
import { viewBlocks } from '../../src/bot/blocks/view-blocks.js';
import { errorText } from '../../src/bot/delivery.js';
import { OpsError } from '../../src/core/errors.js';
import { isSecretName, redactCommand, redactText, redactValue } from '../../src/core/redact.js';

describe('redactCommand', () => {
  it.each([
    ['PGPASSWORD=s3cret pg_dump -U postgres -h db mydb > /data/dump.sql', 'PGPASSWORD=[redacted] pg_dump -U postgres -h db mydb > /data/dump.sql', ['s3cret']],
    ["export PGPASSWORD='a b c'; pg_dump --no-password -U postgres", 'export PGPASSWORD=[redacted]; pg_dump --no-password -U postgres', ['a b c']],
    ['mysqldump -uroot -phunter2 --all-databases > /data/all.sql', 'mysqldump -uroot -p[redacted] --all-databases > /data/all.sql', ['hunter2']],
    ['mysqldump --user=root --password=hunter2 db', 'mysqldump --user=root --password=[redacted] db', ['hunter2']],
    ['MYSQL_PWD=pw mysql -e "select 1"', 'MYSQL_PWD=[redacted] mysql -e "select 1"', ['pw']],
    ["mongodump --username admin -p 'pa ss' --out /dump", 'mongodump --username admin -p [redacted] --out /dump', ['pa ss']],
    ['redis-cli -a foobared123 save', 'redis-cli -a [redacted] save', ['foobared123']],
    ["curl -H 'Authorization: Bearer abcdefghijkl123' https://u:pw1234@example.com/x", "curl -H 'Authorization: Bearer [redacted]' https://u:[redacted]@example.com/x", ['pw1234', 'abcdefghijkl123']],
    ['pg_dump postgresql://app:Tr0ub4dor@db:5432/app', 'pg_dump postgresql://app:[redacted]@db:5432/app', ['Tr0ub4dor']],
    ['o=addr=10.0.0.5,username=bob,password=secret99,vers=3.0', 'o=addr=10.0.0.5,username=bob,password=[redacted],vers=3.0', ['secret99']],
    ['app --token=xyz --api-key "k e y" --passive', 'app --token=[redacted] --api-key [redacted] --passive', ['xyz', 'k e y']],
  ])('masks %s', (command, masked, secrets) => {
    const r = redactCommand(command);
    expect(r.text).toBe(masked);
    expect(r.secrets.sort()).toEqual([...secrets].sort());
  });

  it.each([
    'pg_dump --password -U postgres -p 5432 mydb',
    'mysql -u root -p mydb',
    'PGPASSWORD=$POSTGRES_PASSWORD pg_dump',
    'PGPASSWORD="${DB_PASS}" pg_dump',
    'mkdir -p /data/x && cp -pr a b && tar -czf x .',
    'PWD=/tmp OLDPWD=/x BYPASS_CACHE=1 COMPASS=north',
    'POSTGRES_PASSWORD_FILE=/run/secrets/db app --token-file /run/secrets/t',
    'https://example.com/path?x=1 git@github.com:org/repo.git',
  ])('leaves %s as it is', (command) => {
    expect(redactCommand(command)).toEqual({ text: command, secrets: [] });
  });

  it('names secrets by whole words', () => {
    expect(['PGPASSWORD', 'DB_PASS', 'MYSQL_PWD', 'api-key', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'auth'].every(isSecretName)).toBe(true);
    expect(['PASSIVE', 'BYPASS', 'PWD', 'KEYBOARD', 'no-password', 'PASSWORD_FILE', 'token-path'].some(isSecretName)).toBe(false);
  });

  it('is applied by redactText and redactValue', () => {
    expect(redactText('hook failed: PGPASSWORD=abc123 pg_dump')).toBe('hook failed: PGPASSWORD=[redacted] pg_dump');
    expect(redactValue({ hooks: [{ command: 'mysql -pabc123 db' }], url: 'redis://:pw123456@cache:6379' })).toEqual({
      hooks: [{ command: 'mysql -p[redacted] db' }],
      url: 'redis://:[redacted]@cache:6379',
    });
  });

  it('is applied to everything posted to Slack', () => {
    const rendered = viewBlocks({
      title: 'Backed up db_data',
      summary: 'pre-backup command: PGPASSWORD=chat-secret-1 pg_dump',
      fields: [{ label: 'post-backup', value: 'mysqldump -uroot -pchat-secret-2 db' }],
      tables: [{ id: 'opts', columns: [{ key: 'o', label: 'OPTIONS', type: 'text' }], rows: [{ o: 'addr=10.0.0.5,username=bob,password=chat-secret-3' }] }],
    });
    const posted = JSON.stringify(rendered);
    for (const s of ['chat-secret-1', 'chat-secret-2', 'chat-secret-3']) expect(posted).not.toContain(s);
    expect(posted).toContain('PGPASSWORD=[redacted]');
    expect(errorText(new OpsError('conflict', 'hook (mysql -pchat-secret-4 db) failed'))).not.toContain('chat-secret-4');
  });
});
