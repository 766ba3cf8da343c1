import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  AlertActionLink,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
  Spinner,
  Switch,
  TextInput,
} from '@patternfly/react-core';

import { ApiError } from '../../api/http';
import type { Problem } from '../../api/types';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { Versioned } from '../adminApi';
import { useConsole } from '../ConsoleContext';
import { FieldError, ProblemAlert, StaleAlert } from '../controls';
import { fieldErrors as readFieldErrors, saveVersioned } from '../editFlow';
import { useVersionedEdit } from '../useVersionedEdit';
import {
  ENFORCEMENT_WORDS,
  MODEL_WORDS,
  blankLicence,
  blankProduct,
  capacityConflict,
  hasReleaseOnDisconnect,
  hasUnusedDays,
  licenceChange,
  licenceFormErrors,
  licenceValues,
  newLicenceBody,
  newProductBody,
  overlapWords,
  productChange,
  productValues,
  type LicenceValues,
  type ProductValues,
} from './licenceLogic';
import { LICENCE_MODELS, type Licence, type LicenceProduct } from './licenceTypes';

function Help({ id, children }: { id: string; children: string }) {
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem>{children}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

function ProductFields({ values, set, errors, creating }: { values: ProductValues; set(v: ProductValues): void; errors: Record<string, string>; creating: boolean }) {
  const text = (name: 'name' | 'vendor' | 'sku', label: string, required = false) => (
    <FormGroup label={label} isRequired={required} fieldId={`product-${name}`}>
      <TextInput
        id={`product-${name}`}
        isRequired={required}
        value={values[name]}
        onChange={(_e, v) => set({ ...values, [name]: v })}
        validated={errors[name] ? 'error' : 'default'}
        aria-describedby={errors[name] ? `product-${name}-error` : undefined}
      />
      <FieldError id={`product-${name}-error`} message={errors[name]} />
    </FormGroup>
  );
  return (
    <>
      {text('name', 'Name', true)}
      {text('vendor', 'Vendor')}
      {text('sku', 'SKU or part number')}
      <FormGroup role="radiogroup" isStack label="What holds a seat" fieldId="product-model" isRequired={creating}>
        {creating ? (
          LICENCE_MODELS.map((m) => (
            <Radio key={m} id={`product-model-${m}`} name="product-model" label={MODEL_WORDS[m]} isChecked={values.model === m} onChange={() => set({ ...values, model: m })} />
          ))
        ) : (
          <span id="product-model">{MODEL_WORDS[values.model]} — it never changes: the seats taken so far were counted by it.</span>
        )}
        <FieldError id="product-model-error" message={errors.model} />
      </FormGroup>
      {hasReleaseOnDisconnect(values.model) && (
        <FormGroup label="Disconnected sessions" fieldId="product-release">
          <Switch
            id="product-release"
            label="Give the seat back while the user’s sessions are disconnected"
            isChecked={values.releaseOnDisconnect}
            onChange={(_e, on) => set({ ...values, releaseOnDisconnect: on })}
          />
        </FormGroup>
      )}
      {hasUnusedDays(values.model) && (
        <FormGroup label="Give unused seats back after (days)" fieldId="product-unusedDays">
          <TextInput
            id="product-unusedDays"
            type="number"
            min={0}
            value={values.unusedDays}
            onChange={(_e, v) => set({ ...values, unusedDays: v })}
            validated={errors.unusedDays ? 'error' : 'default'}
            aria-describedby={errors.unusedDays ? 'product-unusedDays-error' : 'product-unusedDays-help'}
          />
          {errors.unusedDays ? (
            <FieldError id="product-unusedDays-error" message={errors.unusedDays} />
          ) : (
            <Help id="product-unusedDays-help">Empty: a seat stays with its holder until an admin frees it.</Help>
          )}
        </FormGroup>
      )}
    </>
  );
}

/** Creates a licence product, or edits one from the version read when the dialog opened (If-Match). */
export function ProductModal({ productId, onClose, onSaved }: { productId: string | null; onClose(): void; onSaved(p: LicenceProduct): void }) {
  const { client } = useConsole();
  const edit = useVersionedEdit<LicenceProduct>(productId ? `/api/v1/admin/licence-products/${encodeURIComponent(productId)}` : null);
  const [values, setValues] = useState<ProductValues | null>(productId ? null : blankProduct);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (productId && edit.current && values === null) {
      setValues(productValues(edit.current.value));
    }
  }, [productId, edit.current, values]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!values) {
      return;
    }
    if (productId) {
      if (!edit.current) {
        return;
      }
      const saved = await edit.save(productChange(edit.current.value, values));
      if (saved) {
        onSaved(saved);
      }
      return;
    }
    setBusy(true);
    try {
      onSaved((await client.send<LicenceProduct>('POST', '/api/v1/admin/licence-products', newProductBody(values))).value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="product-title">
      <ModalHeader title={productId ? `Edit ${edit.current?.value.name ?? 'licence product'}` : 'New licence product'} labelId="product-title" />
      <ModalBody>
        <ProblemAlert problem={productId ? edit.loadProblem : null} />
        {edit.stale && edit.saveProblem ? (
          <StaleAlert problem={edit.saveProblem} onReload={() => void edit.reload().then((p) => p && setValues(productValues(p)))} />
        ) : (
          <ProblemAlert problem={productId ? edit.saveProblem : problem} />
        )}
        {!values ? (
          !edit.loadProblem && <Spinner aria-label="Loading the licence product" />
        ) : (
          <Form id="product-form" onSubmit={(e) => void submit(e)}>
            <ProductFields values={values} set={setValues} errors={productId ? edit.fieldErrors : errors} creating={!productId} />
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="product-form" isLoading={busy || edit.saving} isDisabled={busy || edit.saving || !values?.name.trim() || edit.stale}>
          {productId ? 'Save' : 'Create product'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function LicenceFields({ values, set, errors }: { values: LicenceValues; set(v: LicenceValues): void; errors: Record<string, string> }) {
  const field = (
    name: keyof LicenceValues,
    label: string,
    opts: { type?: 'number' | 'datetime-local' | 'text'; required?: boolean; help?: string } = {},
  ) => (
    <FormGroup label={label} isRequired={opts.required} fieldId={`licence-${name}`}>
      <TextInput
        id={`licence-${name}`}
        type={opts.type ?? 'text'}
        min={opts.type === 'number' ? 0 : undefined}
        isRequired={opts.required}
        value={values[name]}
        onChange={(_e, v) => set({ ...values, [name]: v })}
        validated={errors[name] ? 'error' : 'default'}
        aria-describedby={errors[name] ? `licence-${name}-error` : opts.help ? `licence-${name}-help` : undefined}
      />
      {errors[name] ? <FieldError id={`licence-${name}-error`} message={errors[name]} /> : opts.help && <Help id={`licence-${name}-help`}>{opts.help}</Help>}
    </FormGroup>
  );
  return (
    <>
      {field('seats', 'Seats', { type: 'number', required: true })}
      {field('validFrom', 'Valid from', { type: 'datetime-local', help: 'Empty: from now.' })}
      {field('validUntil', 'Valid until', { type: 'datetime-local', help: 'Empty: perpetual (no end).' })}
      <FormGroup label="When every seat is in use" fieldId="licence-enforcement">
        <FormSelect id="licence-enforcement" value={values.enforcement} onChange={(_e, v) => set({ ...values, enforcement: v as LicenceValues['enforcement'] })}>
          <FormSelectOption value="HARD" label={ENFORCEMENT_WORDS.HARD} />
          <FormSelectOption value="SOFT" label={ENFORCEMENT_WORDS.SOFT} />
        </FormSelect>
      </FormGroup>
      {values.enforcement === 'SOFT' && field('overuseMargin', 'Overuse margin (seats beyond the licence)', { type: 'number' })}
      {field('graceDays', 'Grace period (days after its end)', { type: 'number', help: 'It still counts this long after its end, unless another licence is valid.' })}
      {field('reference', 'Reference', { help: 'An order or contract number, for your records.' })}
    </>
  );
}

/** A refusal that can be sent again with force: the words, and "Save anyway". */
function ForceAlert({ words, busy, onForce }: { words: string; busy: boolean; onForce(): void }) {
  return (
    <Alert
      variant="warning"
      isInline
      role="alert"
      title="This takes away seats in use"
      data-testid="force-needed"
      className="pf-v6-u-mb-md"
      actionLinks={
        <AlertActionLink onClick={onForce} isDisabled={busy}>
          Save anyway
        </AlertActionLink>
      }
    >
      {words}
    </Alert>
  );
}

/**
 * Adds a licence to a product, or edits one from the version read when the dialog opened (If-Match; 412 told, their
 * version offered). A change that lowers the seats below those in use is refused until sent again with force.
 */
export function LicenceModal({ productId, licenceId, onClose, onSaved }: { productId: string; licenceId: string | null; onClose(): void; onSaved(l: Licence): void }) {
  const { client } = useConsole();
  const base = `/api/v1/admin/licence-products/${encodeURIComponent(productId)}/licences`;
  const path = licenceId ? `${base}/${encodeURIComponent(licenceId)}` : base;
  const [current, setCurrent] = useState<Versioned<Licence> | null>(null);
  const [values, setValues] = useState<LicenceValues | null>(licenceId ? null : blankLicence);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [refusal, setRefusal] = useState<Problem | undefined>(undefined);
  const [stale, setStale] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const v = await client.get<Licence>(path);
      setCurrent(v);
      setValues(licenceValues(v.value));
      setProblem(null);
      setRefusal(undefined);
      setStale(false);
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    }
  };
  useEffect(() => {
    if (licenceId) {
      void load();
    }
    // the dialog reads its licence once, when it opens
  }, [licenceId]);

  const save = async (force: boolean) => {
    if (!values) {
      return;
    }
    const local = licenceFormErrors(values);
    setErrors(local);
    if (Object.keys(local).length) {
      return;
    }
    setBusy(true);
    const url = force ? `${path}?force=true` : path;
    try {
      if (licenceId && current) {
        const outcome = await saveVersioned<Licence>(client, 'PATCH', url, current.etag, licenceChange(current.value, values));
        if (outcome.kind === 'saved') {
          onSaved(outcome.saved.value);
          return;
        }
        setProblem(outcome.problem);
        setStale(outcome.kind === 'stale');
        setRefusal(outcome.kind === 'refused' ? outcome.refusal : undefined);
        setErrors(outcome.kind === 'refused' ? outcome.fieldErrors : {});
      } else {
        onSaved((await client.send<Licence>('POST', url, newLicenceBody(values))).value);
      }
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setRefusal(err instanceof ApiError ? err.problem : undefined);
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  const conflict = capacityConflict(refusal);
  const overlap = overlapWords(refusal);
  let alert = <ProblemAlert problem={problem} />;
  if (stale && problem) {
    alert = <StaleAlert problem={problem} onReload={() => void load()} />;
  } else if (conflict) {
    alert = <ForceAlert words={conflict.words} busy={busy} onForce={() => void save(true)} />;
  } else if (overlap && problem) {
    alert = (
      <Alert variant="warning" isInline role="alert" title="The dates overlap another licence" data-testid="problem" className="pf-v6-u-mb-md">
        {overlap}
      </Alert>
    );
  }

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="licence-title">
      <ModalHeader title={licenceId ? 'Edit licence' : 'Add a licence'} labelId="licence-title" description="A purchase of seats, valid for a period." />
      <ModalBody>
        {alert}
        {!values ? (
          !problem && <Spinner aria-label="Loading the licence" />
        ) : (
          <Form
            id="licence-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save(false);
            }}
          >
            <LicenceFields values={values} set={setValues} errors={errors} />
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="licence-form" isLoading={busy} isDisabled={busy || !values || stale}>
          {licenceId ? 'Save' : 'Add licence'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
