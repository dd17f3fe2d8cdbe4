// One readable line per configuration problem, naming the variable and what is wrong with it.
import type { z } from 'zod';

export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `  - ${path}: ${issue.message}`;
  });
  return `Invalid ${source}:\n${lines.join('\n')}`;
}
