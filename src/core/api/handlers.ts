import type { ApiArg, ApiMethod, ApiResult } from '../../shared/contract';

/** One area's slice of the contract. Handlers may be sync or async; createApi makes every call async. */
export type Handlers<K extends ApiMethod> = { [M in K]: (arg: ApiArg<M>) => ApiResult<M> | Promise<ApiResult<M>> };
