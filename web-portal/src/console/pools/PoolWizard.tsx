import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  Alert,
  Button,
  Modal,
  Spinner,
  Wizard,
  WizardFooterWrapper,
  WizardHeader,
  WizardStep,
  useWizardContext,
} from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';
import { editPlan, formFieldOf, planWords, stepOfRefusal } from './poolChanges';
import {
  STEP_NAMES,
  firstInvalidStep,
  formFrom,
  newForm,
  stepsFor,
  validateStep,
  type FieldErrors,
  type PoolOriginal,
  type StepId,
  type WizardForm,
  type WizardMode,
} from './poolWizard';
import { createPool, loadOriginal, saveEdit, type WizardOutcome } from './poolWizardApi';
import {
  BalancingStep,
  EntitlementsStep,
  ImageStep,
  KindStep,
  LicencesStep,
  ReviewStep,
  SessionStep,
  SizingStep,
} from './WizardSteps';

const ALL_STEPS: StepId[] = ['kind', 'image', 'sizing', 'session', 'balancing', 'licences', 'entitlements', 'review'];

/** Next (after the step's checks), Back, Cancel; on the Review step the button that creates or saves. */
function Controls({ check, submit, busy, submitLabel }: { check(step: StepId): boolean; submit(goTo: (s: StepId) => void): void; busy: boolean; submitLabel: string }) {
  const { activeStep, goToNextStep, goToPrevStep, goToStepById, close, steps } = useWizardContext();
  const id = activeStep?.id as StepId;
  const first = steps.find((s) => !s.isHidden)?.id === id;
  // PatternFly's step toggle (narrow screens) is named "Wizard toggle" whatever it shows, and v6 offers no prop to
  // name it: without that name it is named by what it shows ("2 Image"), as WCAG 2.5.3 (label in name) wants. Here,
  // inside the wizard, the toggle exists (the modal renders its content after its own mount)
  useEffect(() => {
    document
      .querySelectorAll('.dp-pool-wizard .pf-v6-c-wizard__toggle[aria-label="Wizard toggle"]')
      .forEach((toggle) => toggle.removeAttribute('aria-label'));
  });
  return (
    <WizardFooterWrapper>
      {id === 'review' ? (
        <Button onClick={() => submit(goToStepById)} isLoading={busy} isDisabled={busy}>
          {submitLabel}
        </Button>
      ) : (
        <Button onClick={() => check(id) && void goToNextStep()}>Next</Button>
      )}
      <Button variant="secondary" onClick={() => void goToPrevStep()} isDisabled={first || busy}>
        Back
      </Button>
      <Button variant="link" onClick={close}>
        Cancel
      </Button>
    </WizardFooterWrapper>
  );
}

/**
 * The pool wizard: Kind → Image and Sizing (pools whose desktops Deskport creates) → Session policy → Load balancing
 * (shared pools) → Licences → Entitlements → Review. Each step checks what it holds before the next one (in words,
 * under the fields); the Review step lists everything. A new pool is set up in one call (nothing is left when a part
 * is refused); an edit saves each changed part with the version it was read at, and when another admin saved first
 * it says so and shows their values.
 */
export function PoolWizard({ mode, poolId, onClose, onDone }: {
  mode: WizardMode;
  poolId?: string;
  onClose(): void;
  /** After the pool was created or the edit saved: what was saved, in words. */
  onDone(poolId: string, saved: string[]): void;
}) {
  const { client } = useConsole();
  const [form, setForm] = useState<WizardForm>(newForm);
  const [original, setOriginal] = useState<PoolOriginal | null>(null);
  const [loadProblem, setLoadProblem] = useState<HumanProblem | null>(null);
  const [checked, setChecked] = useState<ReadonlySet<StepId>>(new Set());
  const [refused, setRefused] = useState<{ step: StepId; errors: FieldErrors } | null>(null);
  const [outcome, setOutcome] = useState<WizardOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  /** The pool as it is now; with `resetForm` the form shows it, else the admin's values stay (versions move on). */
  const load = useCallback(
    async (resetForm: boolean) => {
      if (mode !== 'edit' || !poolId) {
        return;
      }
      try {
        const o = await loadOriginal(client, poolId);
        setOriginal(o);
        if (resetForm) {
          setForm(formFrom(o));
        }
        setLoadProblem(null);
      } catch (e) {
        setLoadProblem(humanError(e, 'admin'));
      }
    },
    [client, mode, poolId],
  );
  useEffect(() => {
    void load(true);
  }, [load]);

  const set = useCallback((patch: Partial<WizardForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setRefused((r) => {
      if (!r) {
        return r;
      }
      const errors = { ...r.errors };
      Object.keys(patch).forEach((k) => delete errors[k]);
      return { ...r, errors };
    });
  }, []);

  const errorsOf = (step: StepId): FieldErrors => ({
    ...(checked.has(step) ? validateStep(step, form, mode) : {}),
    ...(refused?.step === step ? refused.errors : {}),
  });

  const check = (step: StepId) => {
    setChecked((c) => new Set(c).add(step));
    return Object.keys(validateStep(step, form, mode)).length === 0;
  };

  const plan = useMemo(() => (mode === 'edit' && original ? editPlan(original, form) : null), [mode, original, form]);

  const submit = async (goTo: (s: StepId) => void) => {
    const bad = firstInvalidStep(form, mode);
    if (bad) {
      setChecked(new Set(ALL_STEPS));
      goTo(bad);
      return;
    }
    setBusy(true);
    const result = mode === 'create' ? await createPool(client, form) : original && plan ? await saveEdit(client, original, plan) : null;
    setBusy(false);
    if (!result) {
      return;
    }
    setOutcome(result);
    if (result.kind === 'done') {
      onDone(result.poolId, result.saved);
      return;
    }
    if (result.kind === 'stale') {
      // another admin saved first: their values, every part with its version now
      setRefused(null);
      await load(true);
      goTo('review');
      return;
    }
    if (result.saved.length) {
      await load(false); // the parts saved have new versions; the admin's values stay
    }
    const step = stepOfRefusal(result.fields, result.objectType, result.part);
    const errors: FieldErrors = {};
    Object.entries(result.fieldErrors).forEach(([field, message]) => {
      errors[formFieldOf(field)] = message;
    });
    setRefused({ step, errors });
    goTo(step);
  };

  const title = mode === 'create' ? 'New pool' : `Edit “${original?.pool.name ?? '…'}”`;
  const banner: ReactNode = outcome && outcome.kind !== 'done' && (
    <>
      {outcome.kind === 'stale' ? (
        <Alert variant="warning" isInline role="alert" title="Someone else saved this pool first" data-testid="stale-version" className="pf-v6-u-mb-md">
          Another admin changed {outcome.part} after you opened the wizard, so that part was not saved and nothing was
          overwritten. {outcome.saved.length ? `Saved before it: ${outcome.saved.join(', ')}. ` : ''}The steps now show the
          pool as it is: make your changes again.
        </Alert>
      ) : (
        <ProblemAlert problem={outcome.problem} />
      )}
      {outcome.kind === 'refused' && mode === 'edit' && (
        <p className="dp-secondary" data-testid="saved-parts">
          {outcome.saved.length ? `Saved: ${outcome.saved.join(', ')}. ` : 'Nothing was saved. '}Not saved: {outcome.part} and what follows it.
        </p>
      )}
      {outcome.kind === 'refused' && mode === 'create' && (
        <p className="dp-secondary" data-testid="saved-parts">
          Nothing was created: the pool is set up whole or not at all.
        </p>
      )}
    </>
  );

  const visible = new Set(stepsFor(form));
  const body = (step: StepId): ReactNode => {
    const props = { form, set, errors: errorsOf(step), mode };
    switch (step) {
      case 'kind':
        return <KindStep {...props} provisionedBefore={!!original?.provisioning} />;
      case 'image':
        return <ImageStep {...props} poolId={poolId} />;
      case 'sizing':
        return <SizingStep {...props} />;
      case 'session':
        return <SessionStep {...props} />;
      case 'balancing':
        return <BalancingStep {...props} />;
      case 'licences':
        return <LicencesStep {...props} />;
      case 'entitlements':
        return <EntitlementsStep {...props} />;
      case 'review':
        return null;
    }
  };

  return (
    // the wizard's header has the close button (and Escape closes it too): the modal adds none of its own
    <Modal isOpen onEscapePress={onClose} variant="large" aria-labelledby="pool-wizard-title" className="dp-pool-wizard">
      {mode === 'edit' && !original && !loadProblem && (
        <div className="pf-v6-u-p-lg">
          <Spinner aria-label="Loading the pool" />{' '}
          <Button variant="link" onClick={onClose}>
            Cancel
          </Button>
        </div>
      )}
      {loadProblem && (
        <div className="pf-v6-u-p-lg">
          <ProblemAlert problem={loadProblem} />
          <Button variant="link" onClick={onClose}>
            Close
          </Button>
        </div>
      )}
      {(mode === 'create' || original) && (
        <Wizard
          height="80vh"
          header={<WizardHeader title={title} titleId="pool-wizard-title" onClose={onClose} closeButtonAriaLabel="Close the pool wizard" description={mode === 'edit' ? 'Each part you change is saved with the version you opened; nothing is overwritten silently.' : 'Nothing is created until you confirm on the last step, and then all of it or nothing.'} />}
          footer={<Controls check={check} submit={(goTo) => void submit(goTo)} busy={busy} submitLabel={mode === 'create' ? 'Create pool' : 'Save changes'} />}
          onClose={onClose}
          isVisitRequired={mode === 'create'}
          navAriaLabel="Steps of the pool wizard"
        >
          {/* only the steps of this kind of pool: hidden steps would still count in the steps' numbers */}
          {ALL_STEPS.filter((step) => visible.has(step)).map((step) => (
            <WizardStep key={step} id={step} name={STEP_NAMES[step]} status={Object.keys(errorsOf(step)).length ? 'error' : 'default'}>
              {banner}
              {step === 'review' ? <ReviewStep form={form} mode={mode} changes={plan ? planWords(plan) : null} /> : body(step)}
            </WizardStep>
          ))}
        </Wizard>
      )}
    </Modal>
  );
}
