import { useState } from 'react';
import { ClipboardCopyButton, CodeBlock, CodeBlockAction, CodeBlockCode, Content } from '@patternfly/react-core';

import { enrolmentCommand } from './hostLogic';

/**
 * The exact commands to run on a new session host: its agent's configuration with the one-time token, then the agent.
 * The token is shown only here, once; it works once, until it expires.
 */
export function EnrolmentCommand({ hostName, token, expiresAt }: { hostName: string; token: string; expiresAt: string }) {
  const command = enrolmentCommand(window.location.origin, token);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(command).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <>
      <Content component="p">
        Run this as root on <strong>{hostName}</strong> (Java 21 or later, Xvnc and a desktop installed; see the session-host
        README), with the agent’s jar <code>deskport-session-host-…-exec.jar</code> in the current directory. The agent
        enrols with the token, keeps its own credential, and the host turns <em>Available</em> at its first heartbeat.
      </Content>
      <CodeBlock
        actions={
          <CodeBlockAction>
            <ClipboardCopyButton id="enrolment-copy" aria-label="Copy the commands" onClick={copy} exitDelay={1500} variant="plain" onTooltipHidden={() => setCopied(false)}>
              {copied ? 'Copied' : 'Copy the commands'}
            </ClipboardCopyButton>
          </CodeBlockAction>
        }
      >
        <CodeBlockCode id="enrolment-command" data-testid="enrolment-command">
          {command}
        </CodeBlockCode>
      </CodeBlock>
      <Content component="p" className="pf-v6-u-mt-sm" data-testid="enrolment-expiry">
        The token works once and until {new Date(expiresAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}; it is
        not shown again. Lost it? Ask for a new one on the host’s row (the old one stops working).
      </Content>
    </>
  );
}
