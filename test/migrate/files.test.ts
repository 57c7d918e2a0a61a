import { afterAll, describe, expect, it } from 'vitest';
import { migrationChecksum } from '../../src/migrate/checksum.js';
import { loadMigrations } from '../../src/migrate/files.js';
import { migrationsDir, removeDirs } from './migrate-helpers.js';

afterAll(removeDirs);

describe('loadMigrations', () => {
  it('orders by number with gaps, and attaches down and verify files', async () => {
    const dir = await migrationsDir('shop', { '0010_later.sql': 'SELECT 1;', 'README.md': 'not sql' });
    const files = await loadMigrations(dir);
    expect(files.map((f) => [f.version, f.name, Boolean(f.down), Boolean(f.verify)])).toEqual([
      [1, 'create_users', true, true],
      [2, 'create_orders', true, false],
      [5, 'users_email_index', true, true],
      [10, 'later', false, false],
    ]);
    expect(files[2]?.pragmas.noTransaction).toBe(true);
  });

  it('refuses a misnamed file, a duplicate version, and an orphan down file', async () => {
    await expect(loadMigrations(await migrationsDir(undefined, { 'add_users.sql': '' }))).rejects.toThrow(
      /add_users\.sql: migration files must be named NNNN_name\.sql/,
    );
    await expect(
      loadMigrations(await migrationsDir(undefined, { '0001_a.sql': '', '001_b.sql': '' })),
    ).rejects.toThrow(/two migrations share version 1: 0001_a\.sql and 001_b\.sql/);
    await expect(loadMigrations(await migrationsDir(undefined, { '0002_x.down.sql': '' }))).rejects.toThrow(
      /0002_x\.down\.sql has no matching/,
    );
  });

  it('says which directory is missing', async () => {
    await expect(loadMigrations('/nonexistent/migrations')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('/nonexistent/migrations cannot be read'),
    });
  });

  it('checksums ignore CRLF line endings but not content', () => {
    expect(migrationChecksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(migrationChecksum('SELECT 1;\nSELECT 2;\n'));
    expect(migrationChecksum('SELECT 1;')).not.toBe(migrationChecksum('SELECT 2;'));
  });
});
