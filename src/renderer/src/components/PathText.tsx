// A file path or name that wraps only after a separator (/ \ _ . and the hyphen), never inside a word:
// "green_tripdata_2023-02.taxi-duration-v3.predictions.parquet" broke as "green_tri / pdata_20 / 23-" in a
// narrow table column (newcomer trial 4). The whole path is in the title.
import { Fragment } from 'react';

export function PathText({ path, title = path }: { path: string; title?: string }) {
  const parts = path.split(/(?<=[/\\_.])/);
  return <span className="path-text" title={title}>{parts.map((p, i) => <Fragment key={i}>{p}{i < parts.length - 1 && <wbr />}</Fragment>)}</span>;
}
