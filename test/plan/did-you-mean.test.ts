// "did you mean" suggestions.

import { describe, expect, it } from 'vitest';
import { didYouMean, suggest } from '../../src/plan/did-you-mean.js';

describe('suggest', () => {
  const keys = ['name', 'needs', 'parallel', 'steps'];

  it('typos, transpositions and case', () => {
    expect(suggest('nedes', keys)).toBe('needs');
    expect(suggest('step', keys)).toBe('steps');
    expect(suggest('paralel', keys)).toBe('parallel');
    expect(suggest('NAME', keys)).toBe('name');
    expect(suggest('stpes', keys)).toBe('steps');
  });

  it('nothing when nothing is close', () => {
    expect(suggest('environment', keys)).toBeUndefined();
    expect(suggest('x', [])).toBeUndefined();
  });

  it('longer words allow more edits', () => {
    expect(suggest('continueOnErorr', ['continueOnError', 'retries'])).toBe('continueOnError');
    expect(suggest('preflihgt', ['preflight', 'deploy'])).toBe('preflight');
  });

  it('didYouMean formats the hint or nothing', () => {
    expect(didYouMean('tcpp', ['env', 'tcp'])).toBe(' (did you mean "tcp"?)');
    expect(didYouMean('zzzzzz', ['env', 'tcp'])).toBe('');
  });
});
