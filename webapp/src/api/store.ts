/**
 * Where the API keeps to-do items. Implementations: in memory (tests) and Azure Table Storage (Azure, Azurite).
 * Items are keyed by their owner's `oid`; app-only callers (roles `*.All`) act across owners.
 */
export interface TodoItem {
    /** Server-generated id (a UUID). */
    readonly id: string;
    /** The owner's object id (`oid` claim). */
    readonly owner: string;
    readonly description: string;
    /** ISO 8601 creation time. */
    readonly createdAt: string;
}

export interface TodoStore {
    /** Items of one owner, oldest first; every owner's items when `owner` is undefined. */
    list(owner?: string): Promise<TodoItem[]>;
    /** Adds an item and returns it. */
    add(owner: string, description: string): Promise<TodoItem>;
    /** Removes an item; with `owner`, only that owner's. Returns false when there was no such item. */
    remove(id: string, owner?: string): Promise<boolean>;
}
