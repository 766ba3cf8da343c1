import { useState, type MouseEvent } from 'react';
import { DownloadIcon } from '@patternfly/react-icons';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { fetchAttachment } from '../adminApi';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';

/**
 * A report's CSV form as a link (`?format=csv`: the broker answers an attachment). The browser follows it with the
 * sign-in cookie; in another organisation's view the tenant travels in a header a link cannot carry, so the file is
 * fetched with it and saved from memory.
 */
export function CsvLink({ url, label }: { url: string; label: string }) {
  const { client } = useConsole();
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const onClick = async (e: MouseEvent<HTMLAnchorElement>) => {
    if (!client.tenantId) {
      return;
    }
    e.preventDefault();
    setProblem(null);
    try {
      const file = await fetchAttachment(url, client.tenantId);
      const href = URL.createObjectURL(file.blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = file.filename ?? 'report.csv';
      document.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(href);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
    }
  };
  return (
    <>
      <a href={url} download onClick={(e) => void onClick(e)} className="dp-csv-link" data-testid="csv-link">
        <DownloadIcon aria-hidden /> {label}
      </a>
      <ProblemAlert problem={problem} testId="csv-problem" />
    </>
  );
}
