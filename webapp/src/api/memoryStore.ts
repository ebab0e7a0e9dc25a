import { randomUUID } from "node:crypto";
import type { TodoItem, TodoStore } from "./store";

/** Items in process memory: for tests, `npm start` and a single instance. Lost on restart. */
export class MemoryStore implements TodoStore {
    /** Every item, in insertion (= creation) order. */
    private readonly items = new Map<string, TodoItem>();
    private readonly byOwner = new Map<string, Map<string, TodoItem>>();

    constructor(private readonly now: () => Date = () => new Date()) {}

    async list(owner?: string): Promise<TodoItem[]> {
        if (owner === undefined) return [...this.items.values()];
        const mine = this.byOwner.get(owner);
        return mine === undefined ? [] : [...mine.values()];
    }

    async add(owner: string, description: string): Promise<TodoItem> {
        const item: TodoItem = Object.freeze({ id: randomUUID(), owner, description, createdAt: this.now().toISOString() });
        this.items.set(item.id, item);
        let mine = this.byOwner.get(owner);
        if (mine === undefined) this.byOwner.set(owner, (mine = new Map()));
        mine.set(item.id, item);
        return item;
    }

    async remove(id: string, owner?: string): Promise<boolean> {
        const item = this.items.get(id);
        if (item === undefined || (owner !== undefined && item.owner !== owner)) return false;
        this.items.delete(id);
        const mine = this.byOwner.get(item.owner)!;
        mine.delete(id);
        if (mine.size === 0) this.byOwner.delete(item.owner);
        return true;
    }
}
