// An empty program (an ES module, as the todo-sync bin is): what starting Node itself costs.
export {};
