// The one way an error is shown: its message, the next step its code calls for (Retry, Choose another file,
// Reload; see error-advice.ts) and the code itself (always in data-code and the tooltip; on cards, in view).
import { Fragment, type ReactNode } from 'react';
import type { MeterErrorData } from '../../../shared/errors';
import { ERROR_ADVICE, STEP_LABELS, nextStep } from './error-advice';
import { userMessage } from './error-text';

export interface ErrorNoticeProps {
  error: MeterErrorData | null;
  onRetry?: () => unknown;
  onChooseFile?: () => unknown;
  onDismiss?: () => unknown;
  /** inline: inside a form row; block: a line of its own; page: instead of a screen that failed to load;
   *  toast: the window's corner; card: an error card with a heading (import errors) */
  variant?: 'inline' | 'block' | 'page' | 'toast' | 'card';
  heading?: string;
  /** replaces the variant's class (e.g. the filter box's own error line) */
  className?: string;
  testId?: string;
  label?: string;
  /** more actions after the notice's own (e.g. "Back to runs") */
  children?: ReactNode;
  /** the error is another server's (MLflow's): reloading this page would not help, so it isn't offered */
  foreign?: boolean;
}

export function ErrorNotice({ error, onRetry, onChooseFile, onDismiss, variant = 'inline', heading, className, testId, label, children, foreign }: ErrorNoticeProps) {
  if (!error) return null;
  const advised = nextStep(error, { retry: onRetry !== undefined, chooseFile: onChooseFile !== undefined });
  const step = foreign && advised === 'reload' ? (onRetry ? 'retry' : 'none') : advised;
  const act = step === 'retry' ? onRetry : step === 'choose-file' ? onChooseFile : step === 'reload' ? () => window.location.reload() : undefined;
  const action = act && step !== 'none'
    ? <button className={variant === 'inline' ? 'link' : 'btn'} data-step={step} onClick={() => void act()}>{STEP_LABELS[step]}</button>
    : null;
  const message = userMessage(error.message);
  const after = (...parts: ReactNode[]) => parts.filter(Boolean).map((part, i) => <Fragment key={i}>{' '}{part}</Fragment>);
  const common = { role: 'alert', 'data-code': error.code, 'data-testid': testId, 'aria-label': label, title: `${ERROR_ADVICE[error.code].title} (${error.code})` } as const;
  switch (variant) {
    case 'card':
      return (
        <article className={className ?? 'card error'} {...common}>
          {heading && <h3>{heading}</h3>}
          <p style={{ margin: '4px 0 8px' }}>{message}</p>
          <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
            <span className="mono muted">{error.code}</span>
            <span className="row error-steps">{action}{children}{onDismiss && <button className="btn" onClick={() => void onDismiss()}>Dismiss</button>}</span>
          </div>
        </article>
      );
    case 'toast':
      return <div className={className ?? 'toast'} {...common}>{message}{after(action, children, onDismiss && <button className="btn" onClick={() => void onDismiss()}>OK</button>)}</div>;
    case 'page':
      return <p className={className} {...common}>{message}{after(action, children)}</p>;
    case 'block':
      return <p className={className ?? 'bad'} {...common}>{message}{after(action, children)}</p>;
    default:
      return <span className={className ?? 'bad'} {...common}>{message}{after(action, children)}</span>;
  }
}
