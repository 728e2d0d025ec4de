import { hash } from "node:crypto";

// The append-only Merkle tree over a workspace's consent ledger, in the shapes of RFC 9162 section 2.1,
// so that anyone with a standard Certificate Transparency verifier can check our proofs.
//
// The database keeps only the leaf hashes and the hashes of perfect subtrees: node (level, index) covers
// the leaves [index * 2^level, (index + 1) * 2^level). Every hash a root or a proof needs is one of those
// nodes or, at the right edge of the tree, a fold of a few of them. So this module answers two questions
// without touching the database: which nodes a root or a proof needs (the caller fetches them in one
// query), and how to put the fetched hashes together.

const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** A perfect subtree: the leaves [index * 2^level, (index + 1) * 2^level). Level 0 is a leaf. */
export type NodeCoordinate = { level: number; index: number };
export type MerkleNode = NodeCoordinate & { hash: Buffer };

/**
 * The right edge of a tree of `size` leaves: the hashes of the perfect subtrees `frontierNodes(size)`
 * names, largest (leftmost) first; one per set bit of `size`.
 */
export type Frontier = { size: number; hashes: Buffer[] };

export function leafHash(leaf: Buffer): Buffer {
  return hash("sha256", Buffer.concat([LEAF_PREFIX, leaf]), "buffer");
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash("sha256", Buffer.concat([NODE_PREFIX, left, right]), "buffer");
}

/** MTH({}) = SHA-256 of nothing. */
export function emptyRoot(): Buffer {
  return hash("sha256", Buffer.alloc(0), "buffer");
}

/** The nodes whose hashes make up the frontier of a tree of `treeSize` leaves, left to right. */
export function frontierNodes(treeSize: number): NodeCoordinate[] {
  requireSize(treeSize, "treeSize");
  return perfectCover({ start: 0, end: treeSize });
}

/**
 * Folds new leaves into a tree: returns the frontier after them and the perfect nodes of level ≥ 1 they
 * complete, to be stored beside the leaves. Costs O(leaves + log size): only the right edge is touched.
 */
export function appendLeaves(frontier: Frontier, leafHashes: Buffer[]): { frontier: Frontier; newNodes: MerkleNode[] } {
  const edge = frontierEdge(frontier);
  const newNodes: MerkleNode[] = [];
  let size = frontier.size;
  for (const leaf of leafHashes) {
    if (!isHash(leaf)) throw new RangeError(`leaf ${size} is not a SHA-256 hash`);
    edge.push({ level: 0, index: size, hash: leaf });
    size += 1;
    while (edge.length >= 2 && edge[edge.length - 1].level === edge[edge.length - 2].level) {
      const right = edge.pop()!;
      const left = edge.pop()!;
      const parent = { level: left.level + 1, index: left.index / 2, hash: nodeHash(left.hash, right.hash) };
      edge.push(parent);
      newNodes.push(parent);
    }
  }
  return { frontier: { size, hashes: edge.map((node) => node.hash) }, newNodes };
}

/** MTH of the tree the frontier is the right edge of. */
export function rootOfFrontier(frontier: Frontier): Buffer {
  return frontierEdge(frontier).length === 0 ? emptyRoot() : foldRightEdge(frontier.hashes);
}

/** The nodes `buildInclusionProof` needs, in the order it takes their hashes. */
export function inclusionProofNodes(leafIndex: number, treeSize: number): NodeCoordinate[] {
  return inclusionSubtrees(leafIndex, treeSize).flatMap(perfectCover);
}

/** PATH(leafIndex, D[treeSize]) from the hashes of `inclusionProofNodes(leafIndex, treeSize)`, in that order. */
export function buildInclusionProof(leafIndex: number, treeSize: number, hashes: Buffer[]): Buffer[] {
  return composeSubtrees(inclusionSubtrees(leafIndex, treeSize), hashes);
}

/** The nodes `buildConsistencyProof` needs, in the order it takes their hashes. */
export function consistencyProofNodes(oldSize: number, newSize: number): NodeCoordinate[] {
  return consistencySubtrees(oldSize, newSize).flatMap(perfectCover);
}

/**
 * PROOF(oldSize, D[newSize]) from the hashes of `consistencyProofNodes(oldSize, newSize)`, in that order.
 * RFC 9162 defines it for 0 < oldSize < newSize; from the empty tree or to the same size it is empty.
 */
export function buildConsistencyProof(oldSize: number, newSize: number, hashes: Buffer[]): Buffer[] {
  return composeSubtrees(consistencySubtrees(oldSize, newSize), hashes);
}

/** RFC 9162 section 2.1.3.2. False, never an exception, for anything malformed. */
export function verifyInclusion(leafHash: Buffer, leafIndex: number, treeSize: number, proof: Buffer[], root: Buffer): boolean {
  if (!isSize(leafIndex) || !isSize(treeSize) || !isHash(leafHash) || !isHash(root) || !isHashList(proof)) return false;
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 section 2.1.4.2 for 0 < oldSize < newSize. Outside the RFC's range: a tree is consistent with
 * itself (empty proof, equal roots) and with the empty tree (empty proof, old root MTH({})).
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Buffer, newRoot: Buffer, proof: Buffer[]): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || !isHash(oldRoot) || !isHash(newRoot) || !isHashList(proof)) return false;
  if (oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0 && oldRoot.equals(emptyRoot());
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function frontierEdge(frontier: Frontier): MerkleNode[] {
  const nodes = frontierNodes(frontier.size);
  if (frontier.hashes.length !== nodes.length)
    throw new RangeError(`a frontier of ${frontier.size} leaves has ${nodes.length} hashes, not ${frontier.hashes.length}`);
  return nodes.map((node, position) => ({ ...node, hash: frontier.hashes[position] }));
}

/** The leaves [start, end) of one subtree in the RFC's shape: perfect, or the right edge of a larger one. */
type Subtree = { start: number; end: number };

/** The subtrees whose MTHs form PATH(leafIndex, D[treeSize]), in the proof's order (leaf upwards). */
function inclusionSubtrees(leafIndex: number, treeSize: number): Subtree[] {
  requireSize(treeSize, "treeSize");
  requireSize(leafIndex, "leafIndex");
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  const siblingsFromTop: Subtree[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (leafIndex < split) {
      siblingsFromTop.push({ start: split, end });
      end = split;
    } else {
      siblingsFromTop.push({ start, end: split });
      start = split;
    }
  }
  return siblingsFromTop.reverse();
}

/** The subtrees whose MTHs form PROOF(oldSize, D[newSize]) (SUBPROOF unrolled), in the proof's order. */
function consistencySubtrees(oldSize: number, newSize: number): Subtree[] {
  requireSize(oldSize, "oldSize");
  requireSize(newSize, "newSize");
  if (oldSize > newSize) throw new RangeError(`no consistency proof from ${oldSize} leaves back to ${newSize}`);
  if (oldSize === 0) return [];
  const siblingsFromTop: Subtree[] = [];
  let start = 0;
  let end = newSize;
  let oldTreeIsWholeSubtree = true;
  while (oldSize < end) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (oldSize <= split) {
      siblingsFromTop.push({ start: split, end });
      end = split;
    } else {
      siblingsFromTop.push({ start, end: split });
      start = split;
      oldTreeIsWholeSubtree = false;
    }
  }
  // When the old tree is a whole subtree of the new one the verifier holds its hash already (the old
  // root); otherwise the proof starts with the subtree the old tree ends in.
  const oldSubtree = oldTreeIsWholeSubtree ? [] : [{ start, end }];
  return [...oldSubtree, ...siblingsFromTop.reverse()];
}

/** The perfect subtrees whose fold is the subtree's MTH, left to right (a single node when it is perfect). */
function perfectCover({ start, end }: Subtree): NodeCoordinate[] {
  const nodes: NodeCoordinate[] = [];
  for (let first = start; first < end;) {
    const level = floorLog2(end - first);
    const width = 2 ** level;
    nodes.push({ level, index: first / width });
    first += width;
  }
  return nodes;
}

function composeSubtrees(subtrees: Subtree[], hashes: Buffer[]): Buffer[] {
  const covers = subtrees.map(perfectCover);
  const needed = covers.reduce((total, cover) => total + cover.length, 0);
  if (hashes.length !== needed) throw new RangeError(`the proof needs ${needed} node hashes, ${hashes.length} were given`);
  let next = 0;
  return covers.map((cover) => {
    const taken = hashes.slice(next, next + cover.length);
    next += cover.length;
    return foldRightEdge(taken);
  });
}

/** MTH of a subtree from its perfect cover: each node is the left child of the fold of those after it. */
function foldRightEdge(hashes: Buffer[]): Buffer {
  let folded = hashes[hashes.length - 1];
  for (let position = hashes.length - 2; position >= 0; position--) folded = nodeHash(hashes[position], folded);
  return folded;
}

// Sizes and indexes are plain numbers up to 2^53; JavaScript's bit operators would cut them to 32 bits.
function isOdd(value: number): boolean {
  return value % 2 === 1;
}

function half(value: number): number {
  return Math.floor(value / 2);
}

function floorLog2(value: number): number {
  const estimate = Math.floor(Math.log2(value));
  if (2 ** estimate > value) return estimate - 1;
  if (2 ** (estimate + 1) <= value) return estimate + 1;
  return estimate;
}

/** k in RFC 9162: the largest power of two smaller than n, for n > 1. */
function largestPowerOfTwoBelow(n: number): number {
  return 2 ** floorLog2(n - 1);
}

function isPowerOfTwo(value: number): boolean {
  return 2 ** floorLog2(value) === value;
}

function isSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function requireSize(value: number, name: string): void {
  if (!isSize(value)) throw new RangeError(`${name} must be a whole number from 0, not ${value}`);
}

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_BYTES;
}

function isHashList(value: unknown): value is Buffer[] {
  return Array.isArray(value) && value.every(isHash);
}
