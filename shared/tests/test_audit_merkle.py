"""RFC 6962 / 9162 Merkle trees: known vectors, and every corrupted proof rejected, the way transparency logs test."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchpost.audit import merkle

# certificate-transparency's test leaves and roots (RFC 6962 leaf data, hex)
LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
LEAF_HASHES = [merkle.leaf_hash(x) for x in LEAVES]


def leaves(n):
    return [merkle.leaf_hash(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]


def flips(items):
    """Every proof with one bit flipped in one element (first, middle and last bit of each element)."""
    for i, item in enumerate(items):
        for bit in (0, 127, 255):
            changed = bytearray(item)
            changed[bit // 8] ^= 1 << (bit % 8)
            yield items[:i] + [bytes(changed)] + items[i + 1 :]


def test_known_roots_and_empty_tree():
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for n, expected in ROOTS.items():
        assert merkle.root(LEAF_HASHES[:n]).hex() == expected
        f = merkle.Frontier()
        for leaf in LEAF_HASHES[:n]:
            f.append(leaf)
        assert f.root().hex() == expected and len(f.hashes) == bin(n).count("1")


def test_leaf_and_node_hashes_are_domain_separated():
    h = "ab" * 32
    assert merkle.leaf_hash(h) == hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest()
    assert merkle.node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


def test_known_inclusion_path():
    # RFC 6962 test vector: leaf 0 in the tree of 8
    proof = merkle.inclusion_proof(0, LEAF_HASHES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]


@pytest.mark.parametrize("n", range(1, 20))
def test_every_inclusion_proof_holds_and_every_corruption_fails(n):
    tree = leaves(n)
    top = merkle.root(tree)
    for i in range(n):
        proof = merkle.inclusion_proof(i, tree)
        assert merkle.verify_inclusion(tree[i], i, n, proof, top)
        bad = [(tree[i], j, n, proof, top) for j in range(n) if j != i]  # wrong index
        bad += [(tree[i], i, n, p, top) for p in flips(proof)]  # a flipped bit
        bad += [(tree[i], i, n, proof[:k], top) for k in range(len(proof))]  # truncated
        bad += [(tree[i], i, n, proof + [x], top) for x in (top, tree[0], b"\0" * 32)]  # extended
        bad += [(tree[i], i, n * 2, proof, top), (tree[i], i, n // 2, proof, top)]  # wrong tree height
        bad += [
            (tree[i], i, n, proof, merkle.root(tree[:-1] or [b"x"])),  # another root
            (top, i, n, proof, tree[i]),
            (tree[i], n, n, proof, top),
            (tree[i], -1, n, proof, top),
        ]
        if n > 1:
            bad.append((tree[(i + 1) % n], i, n, proof, top))  # another leaf
        for args in bad:
            if args[1] == i and args[2] == n and args[3] == proof and args[4] == top and args[0] == tree[i]:
                continue
            assert not merkle.verify_inclusion(*args), args[1:3]


@pytest.mark.parametrize("n", range(1, 18))
def test_every_consistency_proof_holds_and_every_corruption_fails(n):
    tree = leaves(n)
    new_root = merkle.root(tree)
    for m in range(0, n + 1):
        old_root = merkle.root(tree[:m])
        proof = merkle.consistency_proof(m, tree)
        assert merkle.verify_consistency(m, n, old_root, new_root, proof)
        if m in (0, n):
            assert proof == []
            if m == n:
                assert not merkle.verify_consistency(m, n, old_root, new_root, [new_root])
            continue
        assert not merkle.verify_consistency(m, n, new_root, old_root, proof)  # swapped roots
        assert not merkle.verify_consistency(n, m, new_root, old_root, proof)  # swapped sizes
        if m > 1:
            assert not merkle.verify_consistency(m - 1, n, old_root, new_root, proof)  # an older size
            assert not merkle.verify_consistency(m - 1, n, merkle.root(tree[: m - 1]), new_root, proof)
        assert not merkle.verify_consistency(m, n * 2, old_root, new_root, proof)  # a larger tree
        assert not merkle.verify_consistency(m, n, old_root, old_root, proof) or m == n
        assert not merkle.verify_consistency(m, n, old_root, new_root, [])
        for p in flips(proof):
            assert not merkle.verify_consistency(m, n, old_root, new_root, p)
        for k in range(len(proof)):
            assert not merkle.verify_consistency(m, n, old_root, new_root, proof[:k])  # truncated
        for extra in (new_root, old_root, b"\0" * 32):
            assert not merkle.verify_consistency(m, n, old_root, new_root, proof + [extra])  # extended
            assert not merkle.verify_consistency(m, n, old_root, new_root, [extra] + proof)
        assert not merkle.verify_consistency(m, n, old_root, merkle.root(tree[:-1] + [b"y" * 32]), proof)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_inclusion_property(n, data):
    tree = leaves(n)
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, tree)
    assert merkle.verify_inclusion(tree[i], i, n, proof, merkle.root(tree))
    assert len(proof) <= (n - 1).bit_length()
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        broken = list(proof)
        broken[k] = bytes([broken[k][0] ^ 0x80]) + broken[k][1:]
        assert not merkle.verify_inclusion(tree[i], i, n, broken, merkle.root(tree))
    j = data.draw(st.integers(0, n - 1))
    assert merkle.verify_inclusion(tree[i], j, n, proof, merkle.root(tree)) == (i == j)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_consistency_property(n, data):
    tree = leaves(n)
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, tree)
    old, new = merkle.root(tree[:m]), merkle.root(tree)
    assert merkle.verify_consistency(m, n, old, new, proof)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        assert not merkle.verify_consistency(m, n, old, new, proof[:k] + proof[k + 1 :])
    other = data.draw(st.integers(1, n))
    if other != m:
        assert not merkle.verify_consistency(other, n, merkle.root(tree[:other]), new, proof)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 600))
def test_frontier_equals_recursive_root(n):
    tree, f = leaves(n), merkle.Frontier()
    for leaf in tree:
        f.append(leaf)
    assert f.root() == merkle.root(tree)
    assert merkle.Frontier(n, f.hashes).root() == f.root()
    with pytest.raises(ValueError):
        merkle.Frontier(n + 1 if bin(n + 1).count("1") != len(f.hashes) else n + 2, f.hashes)
