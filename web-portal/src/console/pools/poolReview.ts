/** What the pool wizard's Review step lists: everything it will set, step by step. */
import type { PoolKind } from '../../api/types';
import { CLIPBOARD_WORDS, LOAD_BALANCING_WORDS, provisioned, type StepId, type WizardForm, type WizardMode } from './poolWizard';

const durationOf = (text: string, unit: 'min' | 'h', none: string) => (text.trim() === '' ? none : `${text.trim()} ${unit}`);

/** Everything the wizard will set, step by step, as the Review step lists it. */
export function reviewSections(f: WizardForm, mode: WizardMode): Array<{ step: StepId; items: Array<[string, string]> }> {
  const kindWords: Record<PoolKind, string> = {
    PERSISTENT: 'Persistent (one desktop per user)',
    POOLED: 'Pooled (any free desktop)',
    SHARED: 'Shared (session hosts)',
  };
  const sections: Array<{ step: StepId; items: Array<[string, string]> }> = [
    {
      step: 'kind',
      items: [
        ['Name', f.name.trim()],
        ['Description', f.description.trim() || '—'],
        ['Kind', kindWords[f.kind]],
        ...(f.kind !== 'SHARED'
          ? ([['Its desktops', f.managed ? 'Created by Deskport (provisioning)' : 'Registered by their console address']] as Array<[string, string]>)
          : []),
        ...(mode === 'create' ? ([['Enabled', f.enabled ? 'Yes: entitled users can connect at once' : 'No: nobody can connect until it is enabled']] as Array<[string, string]>) : []),
      ],
    },
  ];
  if (provisioned(f)) {
    sections.push({
      step: 'image',
      items: [
        [
          'Image',
          f.imageMode === 'keep'
            ? `Keep the current version (${f.imageVersionLabel || 'none'})`
            : f.imageMode === 'existing'
              ? `${mode === 'create' ? 'A copy of' : 'Switch to'} version ${f.imageVersionLabel || f.imageVersionId}`
              : `Publish version ${f.newImageLabel.trim()} from ${f.goldenDiskPath.trim()}`,
        ],
      ],
    });
    sections.push({
      step: 'sizing',
      items: [
        ['Desktops', `${f.minSize} to ${f.maxSize}, ${f.spareTarget} kept ready for the next users`],
        ['Hardware', `${f.vcpus} vCPU, ${f.memoryMiB} MiB memory, ${f.diskMiB} MiB disk`],
        ...(f.kind === 'PERSISTENT'
          ? ([['Power policy', f.powerOffMinutes.trim() === '' ? 'Left running' : `Switched off ${f.powerOffMinutes.trim()} min after its user disconnects`]] as Array<[string, string]>)
          : []),
        ...(f.antiAffinity ? ([['Placement', 'Never two of its desktops on one host when a host is drained']] as Array<[string, string]>) : []),
      ],
    });
  }
  sections.push({
    step: 'session',
    items: [
      ['Idle sessions', f.idleMinutes.trim() === '' ? 'Never timed out' : `${f.idleAction === 'LOGOFF' ? 'Logged off' : 'Disconnected'} after ${f.idleMinutes.trim()} min without input`],
      ['Disconnected sessions end after', durationOf(f.disconnectMinutes, 'min', 'never')],
      ['Longest session', durationOf(f.maxSessionHours, 'h', 'no limit')],
      ['Recording', f.recordSessions ? 'Every session is recorded' : 'Off'],
      ['Shadowing', f.announceShadowing ? 'Users are told when IT views their screen' : 'Users are not told when IT views their screen'],
      ['Clipboard', CLIPBOARD_WORDS[f.clipboardPolicy]],
      ['File transfer', 'Not offered'],
    ],
  });
  if (f.kind === 'SHARED') {
    sections.push({ step: 'balancing', items: [['New sessions', LOAD_BALANCING_WORDS[f.loadBalancing]]] });
  }
  sections.push({
    step: 'licences',
    items: [['Licence products consumed', f.products.length ? f.products.map((p) => p.name).join(', ') : 'None']],
  });
  sections.push({
    step: 'entitlements',
    items: [
      ['Groups', f.groups.length ? f.groups.map((g) => g.name).join(', ') : 'None'],
      ['Users', f.users.length ? f.users.map((u) => u.name).join(', ') : 'None'],
    ],
  });
  return sections;
}
