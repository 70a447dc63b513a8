import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('lets jobs that arrive together share one commit, and answers each with its result', async () => {
    const commits: number[][] = [];
    const queue = new GroupCommit<number, string>({
      commit: async (jobs) => {
        commits.push([...jobs]);
        return jobs.map((j) => `done ${j}`);
      },
      weight: () => 1,
      maxWeight: 3,
      closedMessage: 'closed',
    });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((j) => queue.submit(j)));
    expect(answers).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    // At most maxWeight per group.
    expect(commits).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(queue.stats).toEqual({ commits: 2, jobs: 5 });
  });

  it('retries the jobs of a failed group one by one, so one bad job fails alone', async () => {
    const queue = new GroupCommit<number, number>({
      commit: async (jobs) => {
        if (jobs.includes(13)) throw new Error('unlucky');
        return jobs.map((j) => j * 2);
      },
      weight: () => 1,
      maxWeight: 100,
      closedMessage: 'closed',
    });
    const results = await Promise.allSettled([12, 13, 14].map((j) => queue.submit(j)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 24 },
      { status: 'rejected', reason: new Error('unlucky') },
      { status: 'fulfilled', value: 28 },
    ]);
  });

  it('refuses new jobs once closed, after committing those already submitted', async () => {
    const done: number[] = [];
    const queue = new GroupCommit<number, number>({
      commit: async (jobs) => {
        done.push(...jobs);
        return [...jobs];
      },
      weight: () => 1,
      maxWeight: 100,
      closedMessage: 'the queue is closed',
    });
    const pending = queue.submit(7);
    await queue.close();
    expect(await pending).toBe(7);
    expect(done).toEqual([7]);
    await expect(queue.submit(8)).rejects.toThrow('the queue is closed');
  });
});
