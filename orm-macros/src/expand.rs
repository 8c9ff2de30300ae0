//! Code generation. Reads only the typed model, never raw attributes.

use proc_macro2::TokenStream;
use proc_macro2::{Group, Span, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::spanned::Spanned;

use crate::ast::{Field, ModelInput};
use crate::attr::{self, Errors};
use crate::check;

/// `#[derive(Model)]` on a token stream; callable from tests.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let parsed: syn::DeriveInput = match syn::parse2(input) {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let model = attr::parse(&parsed, &mut errors);
    if let Some(model) = &model {
        check::check(model, &mut errors);
    }
    match (errors.finish(), model) {
        (Ok(()), Some(model)) => expand(&model),
        (Err(e), model) => {
            let mut out = e.to_compile_error();
            // A generic struct gets no stub: `impl Model for Post` without its parameters would
            // be one more error, and the generics are already reported.
            if parsed.generics.params.is_empty() {
                out.extend(stub(&parsed.ident, model.as_ref()));
            }
            out
        }
        (Ok(()), None) => quote!(),
    }
}

fn expand(model: &ModelInput) -> TokenStream {
    let krate = &model.krate;
    let ident = &model.ident;
    let vis = &model.vis;
    let table = &model.table;
    let columns_ident = format_ident!("{}Columns", ident);
    let columns: Vec<_> = model.columns().collect();
    let keys: Vec<_> = model.keys().collect();
    let single_key = keys.len() == 1;

    let column_fields = columns.iter().map(|f| {
        let name = &f.ident;
        let ty = column_type(f, krate);
        let doc = format!("The `{}` column.", f.column);
        quote!(#[doc = #doc] #vis #name: #krate::Column<#ident, #ty>)
    });
    let column_inits = columns.iter().map(|f| {
        let name = &f.ident;
        let column = &f.column;
        quote!(#name: #krate::Column::new(#column))
    });
    let defs = columns.iter().map(|f| {
        let ty = &column_type(f, krate);
        let column = &f.column;
        let field = f.ident.to_string();
        let pk = f.primary_key.is_some();
        let unique = f.unique.is_some();
        let index = f.index.is_some();
        let default = match &f.default {
            Some(d) => quote!(::core::option::Option::Some(#d)),
            None => quote!(::core::option::Option::None),
        };
        let sql_type = field_type_item(ty, krate, "SQL_TYPE");
        let nullable = field_type_item(ty, krate, "NULLABLE");
        let auto = if pk && single_key {
            quote!(#sql_type.is_integer() && !#nullable)
        } else {
            quote!(false)
        };
        quote!(#krate::__private::ColumnDef {
            name: #column,
            field: #field,
            sql_type: #sql_type,
            nullable: #nullable,
            primary_key: #pk,
            auto_increment: #auto,
            unique: #unique,
            index: #index,
            default: #default,
        })
    });
    let decode_fields = model.fields.iter().map(|f| {
        let name = &f.ident;
        let ty = &f.ty;
        match columns.iter().position(|c| c.ident == f.ident) {
            Some(i) => {
                let decode = decode_column(f, krate, quote!(#i));
                quote!(#name: #decode)
            }
            None => {
                // Spanned on the type: a skipped field without `Default` is reported there.
                let default = on_type(ty, quote!(::core::default::Default), "default");
                quote!(#name: #default())
            }
        }
    });
    let values = columns.iter().map(|f| value_of(f, krate));
    let set_arms = columns.iter().enumerate().map(|(i, f)| {
        let name = &f.ident;
        if json_adapted(f) {
            let decode = decode_column(f, krate, quote!(at));
            quote!(#i => {
                self.#name = #decode;
                ::core::result::Result::Ok(())
            })
        } else {
            // One helper per field type, shared by every model, instead of a `?` per arm.
            let decode = field_type_item(&f.ty, krate, "decode");
            quote!(#i => #krate::__private::set_field(&mut self.#name, #decode, row, at),)
        }
    });
    let key_types = keys.iter().map(|f| &f.ty);
    let key_values = keys.iter().map(|f| {
        let name = &f.ident;
        quote!(::core::clone::Clone::clone(&self.#name))
    });
    let (key_type, key_value) = if single_key {
        (quote!(#(#key_types)*), quote!(#(#key_values)*))
    } else {
        (quote!((#(#key_types,)*)), quote!((#(#key_values,)*)))
    };
    let set_id = if single_key {
        let key = keys[0];
        let name = &key.ident;
        let column = &key.column;
        let from_generated_id = field_type_item(&key.ty, krate, "from_generated_id");
        // Written out rather than calling a generic runtime helper: the helper's `T: FieldType`
        // bound would report an unsupported key type a second time, with another note.
        quote!(match #from_generated_id(id) {
            ::core::option::Option::Some(key) => {
                self.#name = key;
                ::core::result::Result::Ok(())
            }
            ::core::option::Option::None => ::core::result::Result::Err(#krate::Error::Decode {
                column: ::std::string::String::from(#column),
                source: ::std::convert::From::from(::std::format!(
                    "generated id {} does not fit the key field",
                    id
                )),
            }),
        })
    } else {
        quote!({
            let _ = id;
            ::core::result::Result::Ok(())
        })
    };
    let soft_delete = model
        .soft_delete
        .as_ref()
        .and_then(|(name, _)| model.columns().find(|f| f.ident == name.as_str()))
        .map(|field| {
            let name = &field.ident;
            let column = &field.column;
            quote! {
                const SOFT_DELETE: ::core::option::Option<&'static str> = ::core::option::Option::Some(#column);

                fn deleted_at(&self) -> ::core::option::Option<#krate::__private::DateTime> {
                    self.#name
                }

                fn set_deleted_at(&mut self, at: ::core::option::Option<#krate::__private::DateTime>) {
                    self.#name = at;
                }
            }
        });
    let search = (!model.fts.is_empty()).then(|| {
        let searched = model.fts.iter().filter_map(|searched| {
            let field = model.columns().find(|f| f.ident == searched.ident)?;
            let column = &field.column;
            let weight = searched
                .weight
                .as_ref()
                .and_then(|w| w.value().chars().next())
                .unwrap_or('A');
            Some(quote!(#krate::__private::SearchColumn { name: #column, weight: #weight }))
        });
        let language = model
            .fts_language
            .as_ref()
            .map_or_else(|| "english".to_owned(), syn::LitStr::value);
        quote! {
            const SEARCH: ::core::option::Option<#krate::__private::SearchDef> =
                ::core::option::Option::Some(#krate::__private::SearchDef {
                    columns: &[#(#searched,)*],
                    language: #language,
                });
        }
    });
    let columns_doc = format!(
        "Typed column handles of [`{ident}`], reached through `{ident}::columns()` or query closures."
    );

    quote! {
        #[doc = #columns_doc]
        #[derive(Clone, Copy, Debug)]
        #vis struct #columns_ident {
            #(#column_fields,)*
        }

        const _: () = {
            // No `where` bounds on the field types: the struct is never generic, so such bounds
            // would be trivially true or false, and a false one makes every use of the model an
            // error too. The impl holds unconditionally instead, and each use of a field type
            // inside it is spanned on the user's type: an unsupported type is reported there,
            // once (rustc drops a diagnostic identical to one it already emitted).
            #[automatically_derived]
            impl #krate::Model for #ident {
                type Columns = #columns_ident;
                type PrimaryKey = #key_type;

                const TABLE: &'static str = #table;
                const COLUMNS: &'static [#krate::__private::ColumnDef] = &[#(#defs,)*];

                #soft_delete
                #search

                fn columns() -> &'static #columns_ident {
                    const COLUMNS: #columns_ident = #columns_ident { #(#column_inits,)* };
                    &COLUMNS
                }

                fn from_row(row: &#krate::Row) -> #krate::Result<Self> {
                    ::core::result::Result::Ok(Self { #(#decode_fields,)* })
                }

                fn write_values(&self, out: &mut ::std::vec::Vec<#krate::__private::Value>) {
                    out.extend([#(#values,)*]);
                }

                fn primary_key(&self) -> Self::PrimaryKey {
                    #key_value
                }

                fn set_column(&mut self, column: usize, row: &#krate::Row, at: usize) -> #krate::Result<()> {
                    match column {
                        #(#set_arms)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }

                fn set_auto_id(&mut self, id: i64) -> #krate::Result<()> {
                    #set_id
                }
            }
        };
    }
}

/// Whether `field` is stored through the `Json<T>` adapter (`#[orm(json)]` on a serde type).
fn json_adapted(field: &Field) -> bool {
    field.json.is_some() && !check::is_json_type(&field.ty)
}

/// The type of the column handle and of the stored value: the field's type, or `Json<T>` /
/// `Option<Json<T>>` for a serde type under `#[orm(json)]`.
fn column_type(field: &Field, krate: &syn::Path) -> syn::Type {
    if !json_adapted(field) {
        return field.ty.clone();
    }
    match check::option_inner(&field.ty) {
        Some(inner) => syn::parse_quote!(::core::option::Option<#krate::Json<#inner>>),
        None => {
            let ty = &field.ty;
            syn::parse_quote!(#krate::Json<#ty>)
        }
    }
}

/// Decodes the field from column `index` of `row`, returning early on an error. A `match`
/// rather than `?`: `?` costs two more calls per field (`Try::branch`, `from_residual`) in the
/// unoptimized builds of the edit-compile loop.
fn decode_column(field: &Field, krate: &syn::Path, index: TokenStream) -> TokenStream {
    let ty = column_type(field, krate);
    let decode = field_type_item(&ty, krate, "decode");
    let ok = if !json_adapted(field) {
        quote!(::core::result::Result::Ok(value) => value)
    } else if check::option_inner(&field.ty).is_some() {
        quote!(
            ::core::result::Result::Ok(::core::option::Option::Some(json)) => ::core::option::Option::Some(json.0),
            ::core::result::Result::Ok(::core::option::Option::None) => ::core::option::Option::None
        )
    } else {
        quote!(::core::result::Result::Ok(json) => json.0)
    };
    quote!(match #decode(row, #index) {
        #ok,
        ::core::result::Result::Err(error) => return ::core::result::Result::Err(error),
    })
}

/// The bound value of the field.
fn value_of(field: &Field, krate: &syn::Path) -> TokenStream {
    let name = &field.ident;
    if !json_adapted(field) {
        let to_value = field_type_item(&field.ty, krate, "to_value");
        return quote!(#to_value(&self.#name));
    }
    if check::option_inner(&field.ty).is_some() {
        quote!(match &self.#name {
            ::core::option::Option::Some(value) => #krate::json::to_json_value(value),
            ::core::option::Option::None => #krate::__private::Value::Null(#krate::SqlType::Json),
        })
    } else {
        quote!(#krate::json::to_json_value(&self.#name))
    }
}

/// `<ty as FieldType>::item`, spanned on the user's type: see [`on_type`].
fn field_type_item(ty: &syn::Type, krate: &syn::Path, item: &str) -> TokenStream {
    on_type(ty, quote!(#krate::__private::FieldType), item)
}

/// `<ty as trait_path>::item` whose span is exactly the user's `ty`: the tokens before the type
/// take its first token's span and those after it its last one's (an expression's span runs
/// from its first token to its last). An unmet trait bound is then reported on the field type.
fn on_type(ty: &syn::Type, trait_path: TokenStream, item: &str) -> TokenStream {
    let (first, last) = type_spans(ty);
    let open = respan(quote!(<), first);
    let item = syn::Ident::new(item, last);
    let rest = respan(quote!(as #trait_path>::#item), last);
    quote!(#open #ty #rest)
}

/// The spans of the first and last tokens of `ty`.
fn type_spans(ty: &syn::Type) -> (Span, Span) {
    let mut tokens = ty.to_token_stream().into_iter();
    let first = tokens.next().map_or_else(|| ty.span(), |t| t.span());
    let last = tokens.last().map_or(first, |t| t.span());
    (first, last)
}

/// `tokens` with every span, inside groups too, set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

/// A minimal impl emitted next to errors, so the user sees the derive's errors and not a cascade
/// of "Model is not implemented" ones. It never runs: the crate does not compile.
fn stub(ident: &syn::Ident, model: Option<&ModelInput>) -> TokenStream {
    let krate: syn::Path = model
        .map(|m| m.krate.clone())
        .unwrap_or_else(|| syn::parse_quote!(::orm));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #krate::Model for #ident {
                type Columns = ();
                type PrimaryKey = i64;
                const TABLE: &'static str = "";
                const COLUMNS: &'static [#krate::__private::ColumnDef] = &[];
                fn columns() -> &'static () { &() }
                fn from_row(_: &#krate::Row) -> #krate::Result<Self> {
                    ::core::result::Result::Err(#krate::__private::derive_failed())
                }
                fn write_values(&self, _: &mut ::std::vec::Vec<#krate::__private::Value>) {}
                fn primary_key(&self) -> i64 { 0 }
                fn set_column(&mut self, _: usize, _: &#krate::Row, _: usize) -> #krate::Result<()> {
                    ::core::result::Result::Ok(())
                }
                fn set_auto_id(&mut self, _: i64) -> #krate::Result<()> { ::core::result::Result::Ok(()) }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::derive;
    use quote::quote;

    #[test]
    fn expands_a_model() {
        let out = derive(quote! {
            #[orm(table = "posts")]
            struct Post { #[orm(primary_key)] id: i64, #[orm(column = "Title")] title: String }
        })
        .to_string();
        assert!(
            out.contains("const TABLE : & 'static str = \"posts\""),
            "{out}"
        );
        assert!(out.contains("\"Title\""), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn reports_all_errors_together() {
        let out = derive(quote! {
            #[orm(tabel = "posts")]
            struct Post { #[orm(uniq)] id: i64 }
        })
        .to_string();
        assert!(out.contains("unknown struct attribute `tabel`"), "{out}");
        assert!(out.contains("unknown field attribute `uniq`"), "{out}");
        assert!(out.contains("has no primary key"), "{out}");
    }
}
