/**
 * The document channels of the contract (`doc.*`), over the store: each write tells the windows what changed
 * (`doc.changed` for one document, `docs.changed` for many) once it has committed.
 */
import type { ChannelInputs, ChannelOutputs, PushEvent } from '../shared/contract';
import type { Store } from './store';

type DocumentChannel = Extract<keyof ChannelInputs, `doc.${string}`>;
type Handlers = { [C in DocumentChannel]: (input: ChannelInputs[C]) => Promise<ChannelOutputs[C]> };

/** Builds the `doc.*` handlers over the open store. */
export function documentChannels(open: () => Store, emit: (e: PushEvent) => void): Handlers {
  return {
    'doc.get': async (i) => open().get(i.id),
    'doc.create': async (i) => {
      const doc = await open().create(i.document, i.comment === undefined ? undefined : { comment: i.comment });
      emit({ event: 'doc.changed', data: { id: doc.id, change: 'created', version: doc.version } });
      return doc;
    },
    'doc.update': async (i) => {
      const doc = await open().update(i.id, i.patch, { expectedVersion: i.expectedVersion, ...(i.comment === undefined ? {} : { comment: i.comment }) });
      emit({ event: 'doc.changed', data: { id: doc.id, change: 'updated', version: doc.version } });
      return doc;
    },
    'doc.put': async (i) => {
      const doc = await open().put(i.document, {
        ...(i.expectedVersion === undefined ? {} : { expectedVersion: i.expectedVersion }),
        ...(i.comment === undefined ? {} : { comment: i.comment }),
      });
      emit({ event: 'doc.changed', data: { id: doc.id, change: doc.version === 1 ? 'created' : 'updated', version: doc.version } });
      return doc;
    },
    'doc.delete': async (i) => {
      await open().delete(i.id, i.expectedVersion === undefined ? undefined : { expectedVersion: i.expectedVersion });
      emit({ event: 'doc.changed', data: { id: i.id, change: 'deleted', version: null } });
      return null;
    },
    'doc.trash': async (i) => open().listTrash(i),
    'doc.undelete': async (i) => {
      const doc = await open().undelete(i.id);
      emit({ event: 'doc.changed', data: { id: doc.id, change: 'undeleted', version: doc.version } });
      return doc;
    },
    'doc.purge': async (i) => {
      await open().purge(i.id);
      emit({ event: 'doc.changed', data: { id: i.id, change: 'purged', version: null } });
      return null;
    },
    'doc.emptyTrash': async () => {
      const count = await open().emptyTrash();
      if (count > 0) emit({ event: 'docs.changed', data: { count } });
      return count;
    },
    'doc.list': async (i) => open().list(i),
    'doc.count': async (i) => open().count(i),
    'doc.search': async (i) => open().search(i),
    'doc.versions': async (i) => open().versions(i.id),
    'doc.getVersion': async (i) => open().getVersion(i.id, i.version),
    'doc.restore': async (i) => {
      const doc = await open().restore(i.id, i.version, {
        ...(i.expectedVersion !== undefined ? { expectedVersion: i.expectedVersion } : {}),
        ...(i.comment !== undefined ? { comment: i.comment } : {}),
      });
      emit({ event: 'doc.changed', data: { id: doc.id, change: 'restored', version: doc.version } });
      return doc;
    },
    'doc.bulkPut': async (i) => {
      const r = await open().bulkPut(i.documents, i.comment === undefined ? undefined : { comment: i.comment });
      if (r.committed) emit({ event: 'docs.changed', data: { count: r.items.length } });
      return r;
    },
  };
}
