//! One way to name a fieldless enum (`named_enum!`): the kebab-case name it has in JSON, CSV,
//! forms and on the command line, its `Display`, and a forgiving `FromStr` that lists the
//! allowed names when it refuses. Core, the review engine and the desk all use it.

/// A name that is not one of the allowed names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {field}; expected one of: {allowed}")]
pub struct FieldParseError {
    /// The field being parsed, e.g. "status".
    pub field: &'static str,
    /// What was given.
    pub value: String,
    /// The accepted names, comma separated.
    pub allowed: String,
}

impl FieldParseError {
    /// A stable code for logs and tests.
    pub fn code(&self) -> &'static str {
        "unknown-name"
    }
}

/// Declares a fieldless enum with stable kebab-case names: `ALL` in display order, `name()`,
/// `Display`, serde by name, and `FromStr` that accepts any case and `_` or spaces for `-`.
///
/// The names are a wire format wherever the enum is serialised: never rename a variant's
/// name; add variants instead. The crate using it needs no `serde` of its own: the derives go
/// through core's.
#[macro_export]
macro_rules! named_enum {
    ($(#[$doc:meta])* $vis:vis $name:ident, $field:literal, { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, $crate::__serde::Serialize, $crate::__serde::Deserialize)]
        #[serde(crate = "candour_core::__serde")]
        $vis enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in JSON, CSV, forms and on the command line.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::names::FieldParseError;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
                $name::ALL.iter().copied().find(|v| v.name() == wanted).ok_or_else(|| $crate::names::FieldParseError {
                    field: $field,
                    value: s.to_owned(),
                    allowed: $name::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::named_enum!(
        /// A test enum.
        pub(crate) Weather, "weather", {
            /// Sun.
            Sunny => "sunny",
            /// Rain.
            LightRain => "light-rain",
        }
    );

    #[test]
    fn names_parse_forgivingly_and_refuse_with_the_allowed_list() {
        assert_eq!("Light_Rain".parse::<Weather>(), Ok(Weather::LightRain));
        assert_eq!(" light rain ".parse::<Weather>(), Ok(Weather::LightRain));
        assert_eq!(Weather::LightRain.to_string(), "light-rain");
        assert_eq!(serde_json::to_string(&Weather::Sunny).ok().as_deref(), Some("\"sunny\""));
        let refused = "snow".parse::<Weather>().expect_err("not a name");
        assert_eq!(refused.to_string(), "\"snow\" is not a valid weather; expected one of: sunny, light-rain");
        assert_eq!(refused.code(), "unknown-name");
    }
}
