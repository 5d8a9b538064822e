"""The values the note *reports*, typed in once, so the book can set them beside ours.

These are the only hand-typed numbers in the book, and every use of them is
labelled "reported".  Source: Nicolini, "The tradeoff" (the research note in
``shared/seed``), sections 1-5.
"""

#: Table 2.1 -- accuracy (classification) or validation MSE (sine), single runs.
TABLE_2_1 = {
    # task: {model: value}
    "swiss_roll": {"Dense MLP": 0.984, "HSN": 0.984, "CEN": 0.977},
    "circles": {"Dense MLP": 0.996, "HSN": 0.996, "CEN": 0.984},
    "moons": {"Dense MLP": 0.953, "HSN": 0.977, "CEN": 0.863},
    "sine": {"Dense MLP": 0.019, "HSN": 0.039, "CEN": 0.417},
}
#: The width H at which the note reports each CEN score ("CEN (best H)").
CEN_BEST_H = {"swiss_roll": 512, "circles": 128, "moons": 512, "sine": 64}

#: Table 2.2 -- learned parameter counts (classification, regression).
TABLE_2_2 = {
    "Dense MLP": (4417, 4353),
    "HSN": (897, 865),
    "CEN (H=512)": (513, None),  # the note leaves the regression cell empty
}

#: Equation (1) as printed: 2*64 + 64*64 + 64*1, claimed to equal 4,417.
EQ1_TERMS = (2 * 64, 64 * 64, 64 * 1)
EQ1_CLAIMED = 4417

#: Table 3.3 -- where the savings come from (dense, HSN, claimed saving factor).
TABLE_3_3 = {
    "Input->hidden": {"dense": 192, "hsn": 5, "hsn_formula": "nnz(W_dg)", "saving": 38},
    "Hidden->hidden": {"dense": 4160, "hsn": 800, "hsn_formula": "nnz(G) + h_bridge = 256 + 544",
                       "saving": 5},
    "Hidden->output": {"dense": 65, "hsn": 17, "hsn_formula": "16 + 1", "saving": 3.8},
    "Total": {"dense": 4417, "hsn": 897, "hsn_formula": "", "saving": 4.9},
}
#: Other numbers stated in the text.
GRAPH_NNZ_TEXT = 97  # section 3.3: "fixed Kronecker graph (97 nonzeros)"
GRAPH_NNZ_TABLE = 256  # table 3.3: nnz(G) = 256
BRIDGE_TABLE = 544  # table 3.3: h_bridge
HSN_REDUCTION = 4.9  # "4.9x reduction"
CEN_REDUCTION = 8.6  # "8.6x reduction"
HSN_T = 5  # recurrent iterations
COMPUTE_FACTOR = 5  # "five iterations cost roughly 5x the compute of a single feedforward pass"
MNIST_DENSE_HIDDEN = 784 * 64  # section 5: "grows to 784 * 64 = 50,176"
MNIST_DG_NNZ = 250  # section 5: "stays at ~250 nonzeros"
DG_DENSITY = 0.05
ACTIVE_INPUTS_PER_GRANULE = 4  # section 1.1: "only ~4 active at a time"
