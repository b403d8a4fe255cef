// rxbus/redis: filled in by its issue; the entry is wired (tsup, exports, vitest and tsconfig paths) so it builds from day one.
export {};
