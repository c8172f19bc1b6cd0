import { describe, expect, it } from "vitest";
import { UserFeed } from "../../src/collect/user-feed.js";

describe("UserFeed", () => {
  it("hands pages to a consumer as they arrive and ends when closed", async () => {
    const feed = new UserFeed();
    const received: string[][] = [];
    const consumer = (async () => {
      for await (const ids of feed) received.push(ids);
    })();
    feed.push(["a", "b"]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toEqual([["a", "b"]]);
    feed.push([]);
    feed.push(["c"]);
    feed.close();
    await consumer;
    expect(received).toEqual([["a", "b"], ["c"]]);
    expect(feed.count).toBe(3);
  });

  it("can be built already complete", async () => {
    const all: string[] = [];
    for await (const ids of UserFeed.of(["x", "y"])) all.push(...ids);
    expect(all).toEqual(["x", "y"]);
  });
});
