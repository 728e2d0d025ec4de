import { describe, expect, it } from "vitest";
import { hash } from "node:crypto";
import {
  appendLeaves,
  buildConsistencyProof,
  buildInclusionProof,
  consistencyProofNodes,
  emptyRoot,
  frontierNodes,
  inclusionProofNodes,
  leafHash,
  nodeHash,
  rootOfFrontier,
  verifyConsistency,
  verifyInclusion,
  type Frontier,
  type MerkleNode,
  type NodeCoordinate,
} from "@/lib/consent/merkle";

// The reference: RFC 9162 section 2.1 read literally, recursion and all, with its own hashing.
function sha256(...parts: Buffer[]): Buffer {
  return hash("sha256", Buffer.concat(parts), "buffer");
}
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function referenceRoot(data: Buffer[]): Buffer {
  if (data.length === 0) return sha256();
  if (data.length === 1) return sha256(Buffer.from([0]), data[0]);
  const k = splitPoint(data.length);
  return sha256(Buffer.from([1]), referenceRoot(data.slice(0, k)), referenceRoot(data.slice(k)));
}
function referencePath(m: number, data: Buffer[]): Buffer[] {
  if (data.length === 1) return [];
  const k = splitPoint(data.length);
  if (m < k) return [...referencePath(m, data.slice(0, k)), referenceRoot(data.slice(k))];
  return [...referencePath(m - k, data.slice(k)), referenceRoot(data.slice(0, k))];
}
function referenceSubproof(m: number, data: Buffer[], wholeOldTree: boolean): Buffer[] {
  if (m === data.length) return wholeOldTree ? [] : [referenceRoot(data)];
  const k = splitPoint(data.length);
  if (m <= k) return [...referenceSubproof(m, data.slice(0, k), wholeOldTree), referenceRoot(data.slice(k))];
  return [...referenceSubproof(m - k, data.slice(k), false), referenceRoot(data.slice(0, k))];
}
function referenceProof(m: number, data: Buffer[]): Buffer[] {
  return referenceSubproof(m, data, true);
}

const hex = (buffers: Buffer[]) => buffers.map((buffer) => buffer.toString("hex"));
const fromHex = (text: string) => Buffer.from(text, "hex");
const key = ({ level, index }: NodeCoordinate) => `${level}:${index}`;

/** What the database will hold: leaves at level 0 and the perfect nodes appendLeaves hands back. */
function storeOf(leafHashes: Buffer[]): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  leafHashes.forEach((leaf, index) => store.set(key({ level: 0, index }), leaf));
  for (const node of appendLeaves({ size: 0, hashes: [] }, leafHashes).newNodes) store.set(key(node), node.hash);
  return store;
}
function fetch(store: Map<string, Buffer>, nodes: NodeCoordinate[]): Buffer[] {
  return nodes.map((node) => {
    const found = store.get(key(node));
    if (!found) throw new Error(`node ${key(node)} is not stored`);
    return found;
  });
}
function frontierFrom(store: Map<string, Buffer>, size: number): Frontier {
  return { size, hashes: fetch(store, frontierNodes(size)) };
}
function expectWithin(nodes: NodeCoordinate[], treeSize: number) {
  for (const { level, index } of nodes) expect((index + 1) * 2 ** level, `node ${level}:${index}`).toBeLessThanOrEqual(treeSize);
}
/** The nodes cover the leaves [0, treeSize) exactly once each: nothing fetched twice, nothing missing. */
function expectToTile(nodes: NodeCoordinate[], treeSize: number) {
  const spans = nodes.map(({ level, index }) => ({ first: index * 2 ** level, end: (index + 1) * 2 ** level })).sort((a, b) => a.first - b.first);
  expect(spans.map(({ first }) => first)).toEqual([0, ...spans.slice(0, -1).map(({ end }) => end)]);
  expect(spans[spans.length - 1].end).toBe(treeSize);
}

// A small seeded generator, so a failing batch split can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_SIZE = 70;
const entries = Array.from({ length: MAX_SIZE }, (_, i) => Buffer.from(`consent entry ${i}`));
const leaves = entries.map(leafHash);
const store = storeOf(leaves);
const roots = Array.from({ length: MAX_SIZE + 1 }, (_, size) => referenceRoot(entries.slice(0, size)));
const junk = sha256(Buffer.from("not a node"));

// Certificate Transparency's test data, as transparency-dev/merkle publishes it (testonly/constants.go
// and proof/verify_test.go): the leaf inputs, the root for each size 0..8 and a few proofs.
const CT_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(fromHex);
const CT_ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CT_INCLUSION = [
  {
    leafIndex: 0,
    treeSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    leafIndex: 5,
    treeSize: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { leafIndex: 2, treeSize: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    leafIndex: 1,
    treeSize: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];
const CT_CONSISTENCY = [
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

describe("hashing (RFC 9162 section 2.1, pinned by Certificate Transparency's vectors)", () => {
  const ctLeaves = CT_INPUTS.map(leafHash);
  const ctStore = storeOf(ctLeaves);

  it("prefixes leaves with 0x00 and interior nodes with 0x01, and hashes nothing for the empty tree", () => {
    expect(emptyRoot().toString("hex")).toBe(CT_ROOTS[0]);
    expect(leafHash(Buffer.alloc(0)).toString("hex")).toBe(CT_ROOTS[1]);
    expect(nodeHash(ctLeaves[0], ctLeaves[1]).toString("hex")).toBe(CT_ROOTS[2]);
  });

  it("gives the published root for every size from 0 to 8", () => {
    for (let size = 0; size <= 8; size++) expect(rootOfFrontier(frontierFrom(ctStore, size)).toString("hex"), `size ${size}`).toBe(CT_ROOTS[size]);
  });

  it("builds the published inclusion proofs, and they verify", () => {
    for (const { leafIndex, treeSize, proof } of CT_INCLUSION) {
      const built = buildInclusionProof(leafIndex, treeSize, fetch(ctStore, inclusionProofNodes(leafIndex, treeSize)));
      expect(hex(built), `leaf ${leafIndex} of ${treeSize}`).toEqual(proof);
      expect(verifyInclusion(ctLeaves[leafIndex], leafIndex, treeSize, proof.map(fromHex), fromHex(CT_ROOTS[treeSize]))).toBe(true);
    }
  });

  it("builds the published consistency proofs, and they verify", () => {
    for (const { oldSize, newSize, proof } of CT_CONSISTENCY) {
      const built = buildConsistencyProof(oldSize, newSize, fetch(ctStore, consistencyProofNodes(oldSize, newSize)));
      expect(hex(built), `${oldSize} to ${newSize}`).toEqual(proof);
      expect(verifyConsistency(oldSize, newSize, fromHex(CT_ROOTS[oldSize]), fromHex(CT_ROOTS[newSize]), proof.map(fromHex))).toBe(true);
    }
  });
});

// Exhaustive over every size, so it may take seconds on a busy machine.
describe("against the RFC's recursive definitions, for every tree of up to 70 leaves", { timeout: 30_000 }, () => {
  it("stores exactly the perfect subtrees, each with its MTH", () => {
    for (let level = 1; 2 ** level <= MAX_SIZE; level++) {
      const width = 2 ** level;
      for (let index = 0; (index + 1) * width <= MAX_SIZE; index++) {
        expect(store.get(key({ level, index }))?.toString("hex"), `node ${level}:${index}`).toBe(
          referenceRoot(entries.slice(index * width, (index + 1) * width)).toString("hex"),
        );
      }
    }
    const perfectNodes = Array.from({ length: 7 }, (_, level) => Math.floor(MAX_SIZE / 2 ** level)).reduce((a, b) => a + b);
    expect(store.size).toBe(perfectNodes);
  });

  it("roots: the frontier of each size folds to MTH of its leaves", () => {
    for (let size = 0; size <= MAX_SIZE; size++) {
      const nodes = frontierNodes(size);
      expectWithin(nodes, size);
      expect(nodes.length).toBeLessThanOrEqual(Math.max(1, Math.ceil(Math.log2(size + 1))));
      expect(rootOfFrontier(frontierFrom(store, size)).equals(roots[size]), `size ${size}`).toBe(true);
    }
  });

  it("inclusion proofs equal PATH(m, D[n]), come from stored nodes below n, and verify", () => {
    for (let treeSize = 1; treeSize <= MAX_SIZE; treeSize++) {
      const root = roots[treeSize];
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        const nodes = inclusionProofNodes(leafIndex, treeSize);
        expectWithin(nodes, treeSize);
        expectToTile([...nodes, { level: 0, index: leafIndex }], treeSize);
        const proof = buildInclusionProof(leafIndex, treeSize, fetch(store, nodes));
        expect(hex(proof), `leaf ${leafIndex} of ${treeSize}`).toEqual(hex(referencePath(leafIndex, entries.slice(0, treeSize))));
        expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, proof, root), `leaf ${leafIndex} of ${treeSize}`).toBe(true);
      }
    }
  });

  it("consistency proofs equal PROOF(m, D[n]) for every 1 ≤ m ≤ n, come from stored nodes below n, and verify", () => {
    for (let newSize = 1; newSize <= MAX_SIZE; newSize++) {
      const newRoot = roots[newSize];
      for (let oldSize = 1; oldSize <= newSize; oldSize++) {
        const nodes = consistencyProofNodes(oldSize, newSize);
        expectWithin(nodes, newSize);
        const proof = buildConsistencyProof(oldSize, newSize, fetch(store, nodes));
        expect(hex(proof), `${oldSize} to ${newSize}`).toEqual(hex(referenceProof(oldSize, entries.slice(0, newSize))));
        expect(verifyConsistency(oldSize, newSize, roots[oldSize], newRoot, proof), `${oldSize} to ${newSize}`).toBe(true);
      }
    }
  });

  it("every tree is consistent with the empty one, and only through an empty proof and the empty root", () => {
    for (let newSize = 0; newSize <= MAX_SIZE; newSize++) {
      expect(consistencyProofNodes(0, newSize)).toEqual([]);
      expect(buildConsistencyProof(0, newSize, [])).toEqual([]);
      const newRoot = roots[newSize];
      expect(verifyConsistency(0, newSize, emptyRoot(), newRoot, [])).toBe(true);
      expect(verifyConsistency(0, newSize, leaves[0], newRoot, [])).toBe(false);
      expect(verifyConsistency(0, newSize, emptyRoot(), newRoot, [leaves[0]])).toBe(false);
    }
  });

  it("folding the leaves in random batches gives the same roots and nodes as folding them all at once", () => {
    const allAtOnce = appendLeaves({ size: 0, hashes: [] }, leaves);
    for (let seed = 1; seed <= 25; seed++) {
      const next = random(seed);
      let frontier: Frontier = { size: 0, hashes: [] };
      const folded: MerkleNode[] = [];
      while (frontier.size < MAX_SIZE) {
        const batch = leaves.slice(frontier.size, frontier.size + Math.floor(next() * 9));
        const appended = appendLeaves(frontier, batch);
        expect(appended.frontier.size).toBe(frontier.size + batch.length);
        expect(appended.frontier).toEqual(frontierFrom(store, appended.frontier.size));
        expect(rootOfFrontier(appended.frontier).equals(roots[appended.frontier.size]), `seed ${seed} size ${appended.frontier.size}`).toBe(true);
        folded.push(...appended.newNodes);
        frontier = appended.frontier;
      }
      expect(folded, `seed ${seed}`).toEqual(allAtOnce.newNodes);
      expect(frontier).toEqual(allAtOnce.frontier);
    }
  });
});

describe("large trees: the right edge only, and sizes past 32 bits", () => {
  it("appending one leaf to 2^40 - 1 leaves touches the 40 frontier nodes and completes one node per level", () => {
    const size = 2 ** 40 - 1;
    const frontier: Frontier = { size, hashes: frontierNodes(size).map((_, i) => leafHash(Buffer.from([i]))) };
    expect(frontier.hashes).toHaveLength(40);
    const appended = appendLeaves(frontier, [leaves[0]]);
    expect(appended.frontier.size).toBe(2 ** 40);
    expect(appended.frontier.hashes).toHaveLength(1);
    expect(appended.newNodes.map(({ level, index }) => ({ level, index }))).toEqual(
      Array.from({ length: 40 }, (_, i) => ({ level: i + 1, index: Math.floor(size / 2 ** (i + 1)) })),
    );
    expect(appended.frontier.hashes[0].equals(appended.newNodes[39].hash)).toBe(true);
  });

  it("names proof nodes that tile a tree of 2^34 + 3 leaves", () => {
    const treeSize = 2 ** 34 + 3;
    const leafIndex = 2 ** 33 + 5;
    const inclusion = inclusionProofNodes(leafIndex, treeSize);
    expectWithin(inclusion, treeSize);
    expectToTile([...inclusion, { level: 0, index: leafIndex }], treeSize);
    expect(frontierNodes(treeSize)).toEqual([
      { level: 34, index: 0 },
      { level: 1, index: 2 ** 33 },
      { level: 0, index: 2 ** 34 + 2 },
    ]);
    expectWithin(consistencyProofNodes(2 ** 33 + 7, treeSize), treeSize);
  });
});

describe("tampering fails verification", { timeout: 30_000 }, () => {
  const sizes = [1, 2, 3, 5, 7, 8, 13, 16, 31, 33, 70];

  it("inclusion: a changed leaf, a wrong index, or a proof truncated, extended or with one byte flipped", () => {
    for (const treeSize of sizes) {
      const root = roots[treeSize];
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        const proof = referencePath(leafIndex, entries.slice(0, treeSize));
        const at = `leaf ${leafIndex} of ${treeSize}`;
        expect(verifyInclusion(leafHash(Buffer.from(`consent entry ${leafIndex}!`)), leafIndex, treeSize, proof, root), at).toBe(false);
        expect(verifyInclusion(sha256(entries[leafIndex]), leafIndex, treeSize, proof, root), `${at} without the leaf prefix`).toBe(false);
        for (let otherIndex = 0; otherIndex < treeSize; otherIndex++) {
          if (otherIndex !== leafIndex) expect(verifyInclusion(leaves[leafIndex], otherIndex, treeSize, proof, root), `${at} as ${otherIndex}`).toBe(false);
        }
        expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, [...proof, root], root), at).toBe(false);
        expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, [junk, ...proof], root), at).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, proof.slice(0, -1), root), at).toBe(false);
          expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, proof.slice(1), root), at).toBe(false);
          for (let position = 0; position < proof.length; position++) {
            const flipped = proof.map((hash) => Buffer.from(hash));
            flipped[position][0] ^= 1;
            expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, flipped, root), `${at} flipped ${position}`).toBe(false);
          }
        }
      }
    }
  });

  it("a swapped pair of leaves changes the root, and no proof from the true tree verifies against it", () => {
    for (const treeSize of sizes.filter((size) => size > 1)) {
      const proofs = Array.from({ length: treeSize }, (_, leafIndex) => referencePath(leafIndex, entries.slice(0, treeSize)));
      for (let first = 0; first + 1 < treeSize; first++) {
        const swapped = entries.slice(0, treeSize);
        [swapped[first], swapped[first + 1]] = [swapped[first + 1], swapped[first]];
        const swappedRoot = referenceRoot(swapped);
        expect(swappedRoot.equals(roots[treeSize])).toBe(false);
        for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
          expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize, proofs[leafIndex], swappedRoot)).toBe(false);
        }
      }
    }
  });

  it("a proof checked against the head of another size fails, and so does a size halved or doubled", () => {
    for (const treeSize of sizes) {
      const proofs = Array.from({ length: treeSize }, (_, leafIndex) => referencePath(leafIndex, entries.slice(0, treeSize)));
      const root = roots[treeSize];
      for (let otherSize = 1; otherSize <= MAX_SIZE; otherSize++) {
        if (otherSize === treeSize) continue;
        const otherRoot = roots[otherSize];
        proofs.forEach((proof, leafIndex) =>
          expect(verifyInclusion(leaves[leafIndex], leafIndex, otherSize, proof, otherRoot), `leaf ${leafIndex} of ${treeSize} as ${otherSize}`).toBe(false),
        );
      }
      proofs.forEach((proof, leafIndex) => {
        expect(verifyInclusion(leaves[leafIndex], leafIndex, treeSize * 2, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[leafIndex], leafIndex, Math.floor(treeSize / 2), proof, root)).toBe(false);
      });
    }
  });

  it("consistency: a rewritten old leaf, swapped old leaves, wrong sizes, a truncated, extended or flipped proof", () => {
    for (const newSize of sizes) {
      const newEntries = entries.slice(0, newSize);
      const newRoot = roots[newSize];
      for (let oldSize = 1; oldSize < newSize; oldSize++) {
        const oldRoot = roots[oldSize];
        const proof = referenceProof(oldSize, newEntries);
        const at = `${oldSize} to ${newSize}`;
        for (const changed of new Set([0, oldSize - 1, oldSize, newSize - 1].filter((index) => index < newSize))) {
          const rewritten = newEntries.slice();
          rewritten[changed] = Buffer.from(`rewritten ${changed}`);
          const rewrittenRoot = referenceRoot(rewritten);
          // Rewriting history breaks consistency; a changed leaf after the old head is just a different future.
          if (changed < oldSize)
            expect(verifyConsistency(oldSize, newSize, oldRoot, rewrittenRoot, referenceProof(oldSize, rewritten)), `${at} leaf ${changed}`).toBe(false);
          else expect(verifyConsistency(oldSize, newSize, oldRoot, rewrittenRoot, referenceProof(oldSize, rewritten)), `${at} leaf ${changed}`).toBe(true);
        }
        if (oldSize >= 2) {
          const swapped = newEntries.slice();
          [swapped[0], swapped[oldSize - 1]] = [swapped[oldSize - 1], swapped[0]];
          expect(verifyConsistency(oldSize, newSize, oldRoot, referenceRoot(swapped), referenceProof(oldSize, swapped)), at).toBe(false);
        }
        expect(verifyConsistency(oldSize, newSize, newRoot, oldRoot, proof), `${at} roots swapped`).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1)), `${at} truncated`).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, junk]), `${at} extended`).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [proof[0], ...proof]), `${at} first repeated`).toBe(false);
        for (let position = 0; position < proof.length; position++) {
          const flipped = proof.map((hash) => Buffer.from(hash));
          flipped[position][31] ^= 0x80;
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, flipped), `${at} flipped ${position}`).toBe(false);
        }
        for (let otherOld = 1; otherOld < newSize; otherOld++) {
          if (otherOld !== oldSize) expect(verifyConsistency(otherOld, newSize, oldRoot, newRoot, proof), `${at} as ${otherOld}`).toBe(false);
        }
        for (let otherNew = oldSize + 1; otherNew <= MAX_SIZE; otherNew++) {
          if (otherNew !== newSize) expect(verifyConsistency(oldSize, otherNew, oldRoot, roots[otherNew], proof), `${at} as to ${otherNew}`).toBe(false);
        }
      }
    }
  });

  it("a tree is consistent with itself only through an empty proof and the same root", () => {
    const root = roots[5];
    expect(consistencyProofNodes(5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, roots[6], [])).toBe(false);
    expect(verifyConsistency(5, 5, root, root, [root])).toBe(false);
  });
});

describe("malformed input", () => {
  const root = roots[8];
  const proof = referencePath(3, entries.slice(0, 8));

  it("verification answers false and never throws", () => {
    const badNumbers = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "3" as unknown as number];
    for (const bad of badNumbers) {
      expect(verifyInclusion(leaves[3], bad, 8, proof, root)).toBe(false);
      expect(verifyInclusion(leaves[3], 3, bad, proof, root)).toBe(false);
      expect(verifyConsistency(bad, 8, root, root, [])).toBe(false);
      expect(verifyConsistency(3, bad, root, root, [])).toBe(false);
    }
    expect(verifyInclusion(leaves[3], 8, 8, proof, root)).toBe(false);
    // Without the index check, a lone leaf would also prove itself at any index past the end.
    expect(verifyInclusion(leaves[0], 0, 1, [], leaves[0])).toBe(true);
    expect(verifyInclusion(leaves[0], 1, 1, [], leaves[0])).toBe(false);
    expect(verifyInclusion(leaves[0], 0, 0, [], leaves[0])).toBe(false);
    expect(verifyConsistency(8, 3, root, root, proof)).toBe(false);
    const short = root.subarray(0, 31);
    expect(verifyInclusion(short, 3, 8, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[3], 3, 8, proof, short)).toBe(false);
    expect(verifyInclusion(leaves[3], 3, 8, [...proof.slice(0, 2), Buffer.concat([proof[2], Buffer.from([0])])], root)).toBe(false);
    const consistency = referenceProof(3, entries.slice(0, 8));
    const oldRoot = roots[3];
    expect(verifyConsistency(3, 8, oldRoot, root, consistency)).toBe(true);
    expect(verifyConsistency(3, 8, short, root, consistency)).toBe(false);
    for (const garbage of [null, undefined, "proof", [null], [proof[0].toString("hex")], [new Uint8Array(32)]]) {
      expect(verifyInclusion(leaves[3], 3, 8, garbage as unknown as Buffer[], root)).toBe(false);
      expect(verifyConsistency(3, 8, oldRoot, root, garbage as unknown as Buffer[])).toBe(false);
    }
    expect(verifyInclusion(null as unknown as Buffer, 3, 8, proof, root)).toBe(false);
    expect(verifyConsistency(3, 8, oldRoot, undefined as unknown as Buffer, consistency)).toBe(false);
  });

  it("the builders refuse sizes out of range and the wrong number of node hashes", () => {
    expect(() => inclusionProofNodes(8, 8)).toThrow(RangeError);
    expect(() => inclusionProofNodes(-1, 8)).toThrow(RangeError);
    expect(() => consistencyProofNodes(9, 8)).toThrow(RangeError);
    expect(() => frontierNodes(0.5)).toThrow(RangeError);
    const hashes = fetch(store, inclusionProofNodes(3, 8));
    expect(() => buildInclusionProof(3, 8, hashes.slice(1))).toThrow(RangeError);
    expect(() => buildConsistencyProof(3, 8, [...fetch(store, consistencyProofNodes(3, 8)), junk])).toThrow(RangeError);
    expect(() => rootOfFrontier({ size: 3, hashes: [leaves[0]] })).toThrow(RangeError);
    expect(() => appendLeaves({ size: 2, hashes: [] }, [leaves[0]])).toThrow(RangeError);
    expect(() => appendLeaves({ size: 0, hashes: [] }, [entries[0]])).toThrow(RangeError);
  });
});
