// The model kinds a search space draws (the runs table shows them as the search row's model): a fixed model,
// a choice of model names, and choices of sub-spaces each naming its model, at any depth.
import { describe, expect, it } from 'vitest';
import { searchedModels } from './space';

describe('searchedModels', () => {
  it('names the fixed model', () => {
    expect(searchedModels({ model: 'gbt', learningRate: { loguniform: [-5, -1] } })).toEqual(['gbt']);
  });

  it('lists a choice of models, and the models of sub-spaces, in the order the space names them', () => {
    expect(searchedModels({ model: { choice: ['ridge', 'lasso'] }, alpha: { loguniform: [-5, 2] } })).toEqual(['ridge', 'lasso']);
    expect(searchedModels({
      model: { choice: [{ model: 'ridge', alpha: { loguniform: [-7, 2] } }, { model: 'gbt', maxDepth: { quniform: [3, 10, 1] } }, { model: 'ridge', featureSet: 'pu_do' }] },
    })).toEqual(['ridge', 'gbt']);
    // a sub-space choice under another name, nested one level further
    expect(searchedModels({ family: { choice: [{ model: 'lasso' }, { kind: { choice: [{ model: 'rf' }, { model: 'rf_ml' }] } }] } })).toEqual(['lasso', 'rf', 'rf_ml']);
  });

  it('ignores choices of other parameters (featureSet names are not models) and a space without a model', () => {
    expect(searchedModels({ model: 'ridge', featureSet: { choice: ['basic', 'pu_do'] } })).toEqual(['ridge']);
    expect(searchedModels({ alpha: { uniform: [0, 1] } })).toEqual([]);
  });
});
