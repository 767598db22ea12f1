// Registry handlers: argument checks here, rules in core/registry.
import { asRunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { rollbackAlias, removeAlias, setAlias } from '../registry/aliases';
import { checkModelName, checkVersion } from '../registry/names';
import { registerRun } from '../registry/register';
import { getModel, getVersion, listModels } from '../registry/registry-repo';
import { resolveModelUri } from '../registry/resolve';
import { createModel, deleteVersion, setArchived, setDescription, setModelTag } from '../registry/versions';
import type { Handlers } from './handlers';
import { argObject, bool, str } from './validate';

type Methods = 'models.register' | 'models.create' | 'models.list' | 'models.get' | 'models.getVersion' | 'models.setAlias' | 'models.removeAlias'
  | 'models.rollback' | 'models.setDescription' | 'models.setTag' | 'models.setArchived' | 'models.deleteVersion' | 'models.resolve';

export function registryHandlers(ctx: CoreContext): Handlers<Methods> {
  const { db } = ctx;
  const args = (a: unknown, m: string) => { const o = argObject(a, m); return { o, name: checkModelName(o.name) }; };
  return {
    'models.register': (a) => {
      const o = argObject(a, 'models.register');
      return registerRun(ctx, asRunId(str(o, 'runId', 'models.register')), o.name, typeof o.description === 'string' ? o.description : '');
    },
    'models.create': (a) => { const o = argObject(a, 'models.create'); return createModel(db, o.name, o.description ?? ''); },
    'models.list': () => listModels(db),
    'models.get': (a) => getModel(db, args(a, 'models.get').name),
    'models.getVersion': (a) => { const { o, name } = args(a, 'models.getVersion'); return getVersion(db, name, checkVersion(o.version)); },
    'models.setAlias': (a) => { const { o, name } = args(a, 'models.setAlias'); return setAlias(db, name, o.alias, o.version); },
    'models.removeAlias': (a) => { const { o, name } = args(a, 'models.removeAlias'); return removeAlias(db, name, o.alias); },
    'models.rollback': (a) => { const { o, name } = args(a, 'models.rollback'); return rollbackAlias(db, name, o.alias); },
    'models.setDescription': (a) => { const { o, name } = args(a, 'models.setDescription'); return setDescription(db, name, o.version, o.description); },
    'models.setTag': (a) => { const { o, name } = args(a, 'models.setTag'); setModelTag(db, name, o.version, o.key, o.value); return getModel(db, name); },
    'models.setArchived': (a) => { const { o, name } = args(a, 'models.setArchived'); return setArchived(db, name, o.version, bool(o, 'archived', 'models.setArchived')); },
    'models.deleteVersion': (a) => { const { o, name } = args(a, 'models.deleteVersion'); return deleteVersion(ctx, name, o.version); },
    'models.resolve': (a) => resolveModelUri(ctx, argObject(a, 'models.resolve').uri),
  };
}
