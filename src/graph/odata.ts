// OData annotation names and header values Graph uses.

export const ODATA_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export const Annotation = {
  context: "@odata.context",
  type: "@odata.type",
  nextLink: "@odata.nextLink",
  deltaLink: "@odata.deltaLink",
  removed: "@removed",
  count: "@odata.count",
} as const;

export interface RemovedItem {
  "@odata.type": string;
  id: string;
  "@removed": { reason: "deleted" | "changed" };
}
