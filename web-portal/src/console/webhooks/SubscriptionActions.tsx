import { useState, type ReactNode } from 'react';

import type { NoticeState } from '../ConsoleList';
import { usePendingAction } from '../ConsoleList';
import { useConsole } from '../ConsoleContext';
import { ConfirmModal } from '../controls';
import { CreateSubscriptionModal, EditSubscriptionModal, EnableModal, RotateSecretModal, SecretModal } from './WebhookForms';
import { webhooksPath, type WebhookScope } from './webhookLogic';
import type { WebhookSubscription, WebhookWithSecret } from './webhookTypes';

type Open =
  | { kind: 'create' }
  | { kind: 'edit' | 'rotate' | 'enable' | 'disable'; subscription: WebhookSubscription }
  | { kind: 'secret'; subscription: WebhookWithSecret; rotated: boolean };

export interface SubscriptionActions {
  create(): void;
  edit(s: WebhookSubscription): void;
  rotate(s: WebhookSubscription): void;
  setEnabled(s: WebhookSubscription, enabled: boolean): void;
  remove(s: WebhookSubscription): void;
  /** The dialogs of the action under way, to render once on the page. */
  dialogs: ReactNode;
}

/**
 * The changes an admin makes to subscriptions, each in its dialog: create (then the secret, once), edit and enable or
 * disable from the version read (If-Match), rotate the secret (then the new one, with the overlap explained), delete
 * after confirming. `onChanged` runs after each; `onDeleted` after a delete.
 */
export function useSubscriptionActions(scope: WebhookScope, notice: NoticeState, onChanged: () => void, onDeleted?: () => void): SubscriptionActions {
  const { client } = useConsole();
  const base = webhooksPath(scope);
  const path = (s: WebhookSubscription) => `${base}/${encodeURIComponent(s.id)}`;
  const [open, setOpen] = useState<Open | null>(null);
  const removing = usePendingAction<WebhookSubscription>();
  const close = () => setOpen(null);

  const remove = () =>
    removing.run(async (s) => {
      await client.send('DELETE', path(s));
      notice.show(`The subscription to ${s.url} was deleted.`);
      onChanged();
      onDeleted?.();
    });

  let dialog: ReactNode = null;
  if (open?.kind === 'create') {
    dialog = (
      <CreateSubscriptionModal
        path={base}
        onClose={close}
        onCreated={(s) => {
          notice.show(`The subscription to ${s.url} was created${s.enabled ? ': events committed from now on are sent to it' : ' disabled'}.`);
          setOpen({ kind: 'secret', subscription: s, rotated: false });
          onChanged();
        }}
      />
    );
  } else if (open?.kind === 'edit') {
    dialog = (
      <EditSubscriptionModal
        path={path(open.subscription)}
        onClose={close}
        onSaved={(s) => {
          notice.show(`The subscription to ${s.url} was saved.`);
          close();
          onChanged();
        }}
      />
    );
  } else if (open?.kind === 'rotate') {
    dialog = (
      <RotateSecretModal
        path={path(open.subscription)}
        subscription={open.subscription}
        onClose={close}
        onRotated={(s) => {
          notice.show(`The signing secret of ${s.url} was rotated.`);
          setOpen({ kind: 'secret', subscription: s, rotated: true });
          onChanged();
        }}
      />
    );
  } else if (open?.kind === 'enable' || open?.kind === 'disable') {
    dialog = (
      <EnableModal
        path={path(open.subscription)}
        enable={open.kind === 'enable'}
        onClose={close}
        onSaved={(s) => {
          notice.show(s.enabled ? `Delivery to ${s.url} resumes where it stopped.` : `Nothing more is sent to ${s.url} until it is enabled again.`);
          close();
          onChanged();
        }}
      />
    );
  } else if (open?.kind === 'secret') {
    dialog = <SecretModal subscription={open.subscription} rotated={open.rotated} onClose={close} />;
  }

  return {
    create: () => setOpen({ kind: 'create' }),
    edit: (s) => setOpen({ kind: 'edit', subscription: s }),
    rotate: (s) => setOpen({ kind: 'rotate', subscription: s }),
    setEnabled: (s, enabled) => setOpen({ kind: enabled ? 'enable' : 'disable', subscription: s }),
    remove: (s) => removing.ask(s),
    dialogs: (
      <>
        {dialog}
        {removing.pending && (
          <ConfirmModal
            title="Delete this subscription?"
            confirmLabel="Delete subscription"
            busy={removing.busy}
            problem={removing.problem}
            onConfirm={() => void remove()}
            onCancel={removing.cancel}
          >
            Nothing more is sent to {removing.pending.url}. Its secrets, waiting retries, replays and delivery log go with it; events go on being
            recorded for the export API and the other subscriptions.
          </ConfirmModal>
        )}
      </>
    ),
  };
}
